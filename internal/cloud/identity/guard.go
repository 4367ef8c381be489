package identity

import (
	"context"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// permissionCacheTTL bounds how long a revoked session or a changed group
// keeps its old effect on another replica; this replica forgets at once.
const permissionCacheTTL = 10 * time.Second

// access is what the guard knows about a session.
type access struct {
	grants []string
	// mustEnroll: the tenant requires MFA and the user has none yet; only
	// the signed-in user's own routes (/me, enrolment) stay open.
	mustEnroll bool
	at         time.Time
}

type permissionCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[uuid.UUID]access // by session
}

func newPermissionCache(ttl time.Duration) *permissionCache {
	return &permissionCache{ttl: ttl, m: map[uuid.UUID]access{}}
}

func (c *permissionCache) get(session uuid.UUID, now time.Time) (access, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.m[session]
	if !ok || now.Sub(a.at) >= c.ttl {
		return access{}, false
	}
	return a, true
}

func (c *permissionCache) put(session uuid.UUID, a access) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 100_000 { // bound memory; entries are cheap to rebuild
		c.m = map[uuid.UUID]access{}
	}
	c.m[session] = a
}

func (c *permissionCache) forgetSession(session uuid.UUID) {
	c.mu.Lock()
	delete(c.m, session)
	c.mu.Unlock()
}

// forgetAll drops everything (after a group or membership change).
func (c *permissionCache) forgetAll() {
	c.mu.Lock()
	c.m = map[uuid.UUID]access{}
	c.mu.Unlock()
}

type accessKey struct{}

// Guard implements httpapi.Guard with access tokens, sessions and groups.
type Guard struct{ s *Service }

// Guard returns the route guard of this service.
func (s *Service) Guard() Guard { return Guard{s: s} }

// Authenticate verifies the Bearer token, checks the session is still live
// and puts the principal and its grants on the context.
func (g Guard) Authenticate() fiber.Handler {
	return func(c fiber.Ctx) error {
		raw, ok := httpapi.BearerToken(c)
		if !ok {
			return errUnauthenticated
		}
		claims, err := g.verifyAccessToken(raw)
		if err != nil {
			return err
		}
		return g.admit(c, claims.TenantID, claims.UserID, claims.SessionID, claims.ExpiresAt)
	}
}

var errInvalidToken = errs.New(errs.KindUnauthenticated, "The access token is not valid.").WithCode("invalid_token")

func (g Guard) verifyAccessToken(raw string) (auth.Claims, error) {
	claims, err := g.s.cfg.Signer.Verify(raw)
	if err != nil {
		return auth.Claims{}, errInvalidToken
	}
	return claims, nil
}

// admit checks the session is live and puts the principal, its grants and
// the credentials' expiry on the request.
func (g Guard) admit(c fiber.Ctx, tenant, user, session uuid.UUID, until time.Time) error {
	p := auth.Principal{Kind: auth.KindUser, TenantID: tenant, ActorID: user}
	ctx := auth.WithPrincipal(c.Context(), p)
	a, err := g.s.sessionAccess(ctx, session)
	if err != nil {
		return err
	}
	c.SetContext(ctx)
	c.Locals(accessKey{}, a)
	c.Locals(sessionKey{}, session)
	httpapi.SetGrantCheck(c, func(key string) bool { return !a.mustEnroll && rbac.Allows(a.grants, key) })
	httpapi.SetCredentialsExpiry(c, until)
	return c.Next()
}

// AuthenticateWebSocket authenticates a WebSocket upgrade, whose browser
// cannot send headers: a single-use ticket (?ticket=, from POST
// /api/v1/ws/ticket), an access token (?token=, verified exactly as a
// Bearer token), or the Authorization header of other clients. The
// connection's credentials end with the access token (for a ticket, the
// one it was issued with).
func (g Guard) AuthenticateWebSocket() fiber.Handler {
	return func(c fiber.Ctx) error {
		if raw := c.Query("ticket"); raw != "" {
			t, err := g.s.redeemWSTicket(c.Context(), raw)
			if err != nil {
				return err
			}
			return g.admit(c, t.TenantID, t.UserID, t.SessionID, t.ConnectionUntil)
		}
		raw := c.Query("token")
		if raw == "" {
			var ok bool
			if raw, ok = httpapi.BearerToken(c); !ok {
				return errUnauthenticated
			}
		}
		claims, err := g.verifyAccessToken(raw)
		if err != nil {
			return err
		}
		return g.admit(c, claims.TenantID, claims.UserID, claims.SessionID, claims.ExpiresAt)
	}
}

// RequirePermission refuses callers whose groups do not grant key.
func (g Guard) RequirePermission(key string) fiber.Handler {
	return func(c fiber.Ctx) error {
		a, _ := c.Locals(accessKey{}).(access)
		if a.mustEnroll {
			return errs.New(errs.KindPermissionDenied, "Your organisation requires two-factor sign-in: set it up first.").WithCode("mfa_enrollment_required")
		}
		if !rbac.Allows(a.grants, key) {
			return errs.New(errs.KindPermissionDenied, "You do not have the permission "+key+".")
		}
		return c.Next()
	}
}

// RequireFeature refuses every request to a module the licence does not
// switch on.
func (g Guard) RequireFeature(feature string) fiber.Handler {
	return func(c fiber.Ctx) error {
		enabled, err := g.s.licences.Enabled(c.Context())
		if err != nil {
			return err
		}
		if !enabled[rbac.Feature(feature)] {
			return errs.New(errs.KindFeatureDisabled, "Your licence does not include the "+feature+" module.")
		}
		return c.Next()
	}
}

// sessionAccess checks the session is live, the user active and the tenant
// active, and returns the user's grants, cached briefly per session.
func (s *Service) sessionAccess(ctx context.Context, sessionID uuid.UUID) (access, error) {
	now := s.now()
	if a, ok := s.perms.get(sessionID, now); ok {
		return a, nil
	}
	p, _ := auth.PrincipalFrom(ctx)
	a := access{grants: []string{}, at: now}
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		sess, err := sessionByID(ctx, tx, sessionID)
		if errs.Is(err, errs.KindNotFound) || (err == nil && (!sess.usable(now) || sess.UserID != p.ActorID)) {
			return errInvalidSession
		}
		if err != nil {
			return err
		}
		u, err := userByID(ctx, tx, p.ActorID)
		if err != nil || u.Status != UserActive {
			return errInvalidSession
		}
		var tenant struct {
			Status    string `db:"status"`
			MFAPolicy string `db:"mfa_policy"`
		}
		if err := tx.Get(ctx, &tenant, `SELECT status, mfa_policy FROM tenants WHERE id = $1`, tx.TenantID()); err != nil {
			return err
		}
		switch tenant.Status {
		case "active":
		case "suspended":
			return errTenantSuspended
		default:
			return errInvalidSession
		}
		a.mustEnroll = tenant.MFAPolicy == "required" && !u.MFAEnabled
		grants, err := effectivePermissions(ctx, tx, p.ActorID)
		if grants != nil {
			a.grants = grants
		}
		return err
	})
	if err != nil {
		return access{}, err
	}
	s.perms.put(sessionID, a)
	return a, nil
}
