package auth

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Claims of an access token (DESIGN.md §5).
type Claims struct {
	UserID    uuid.UUID
	TenantID  uuid.UUID
	SessionID uuid.UUID
	ID        string // jti
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// ErrInvalidToken is every reason a token is refused; callers answer 401
// without saying which.
var ErrInvalidToken = errors.New("invalid token")

// Signer issues and verifies HS256 access tokens for one audience.
type Signer struct {
	key      []byte
	audience string
	ttl      time.Duration
	now      func() time.Time
}

// NewSigner needs a key of at least 32 bytes (SECRET_KEY).
func NewSigner(key, audience string, ttl time.Duration) (*Signer, error) {
	if len(key) < 32 {
		return nil, errors.New("signing key must be at least 32 characters")
	}
	return &Signer{key: []byte(key), audience: audience, ttl: ttl, now: time.Now}, nil
}

type jwtClaims struct {
	TenantID  string `json:"tid"`
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

// Issue signs a token for a user's session.
func (s *Signer) Issue(userID, tenantID, sessionID uuid.UUID) (string, Claims, error) {
	now := s.now().UTC().Truncate(time.Second)
	c := Claims{UserID: userID, TenantID: tenantID, SessionID: sessionID, ID: uuid.NewString(),
		IssuedAt: now, ExpiresAt: now.Add(s.ttl)}
	token := jwt.NewWithClaims(jwt.SigningMethodHS256, jwtClaims{
		TenantID: tenantID.String(), SessionID: sessionID.String(),
		RegisteredClaims: jwt.RegisteredClaims{
			Subject: userID.String(), Audience: jwt.ClaimStrings{s.audience}, ID: c.ID,
			IssuedAt: jwt.NewNumericDate(c.IssuedAt), ExpiresAt: jwt.NewNumericDate(c.ExpiresAt),
		},
	})
	signed, err := token.SignedString(s.key)
	return signed, c, err
}

// Verify checks algorithm (HS256 only), signature, audience, expiry and the
// presence of every claim.
func (s *Signer) Verify(raw string) (Claims, error) {
	var jc jwtClaims
	_, err := jwt.ParseWithClaims(raw, &jc, func(*jwt.Token) (any, error) { return s.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithAudience(s.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(s.now),
		jwt.WithLeeway(30*time.Second),
	)
	if err != nil {
		return Claims{}, ErrInvalidToken
	}
	c := Claims{ID: jc.ID}
	var perr error
	c.UserID, perr = uuid.Parse(jc.Subject)
	if perr == nil {
		c.TenantID, perr = uuid.Parse(jc.TenantID)
	}
	if perr == nil {
		c.SessionID, perr = uuid.Parse(jc.SessionID)
	}
	if perr != nil || c.ID == "" || jc.IssuedAt == nil {
		return Claims{}, ErrInvalidToken
	}
	c.IssuedAt, c.ExpiresAt = jc.IssuedAt.Time, jc.ExpiresAt.Time
	return c, nil
}
