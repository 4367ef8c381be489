package auth_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
)

const key = "0123456789abcdef0123456789abcdef"

func TestAccessTokenRoundTrip(t *testing.T) {
	s, err := auth.NewSigner(key, "monozu-cloud", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	user, tenant, session := uuid.New(), uuid.New(), uuid.New()
	raw, issued, err := s.Issue(user, tenant, session)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Verify(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != user || got.TenantID != tenant || got.SessionID != session || got.ID != issued.ID || got.ID == "" {
		t.Fatalf("claims %+v, issued %+v", got, issued)
	}
	if !got.ExpiresAt.Equal(issued.ExpiresAt) || got.ExpiresAt.Sub(got.IssuedAt) != time.Hour {
		t.Fatalf("lifetime %v", got.ExpiresAt.Sub(got.IssuedAt))
	}
}

func TestRefusedTokens(t *testing.T) {
	s, _ := auth.NewSigner(key, "monozu-cloud", time.Hour)
	other, _ := auth.NewSigner("another-key-another-key-another-key", "monozu-cloud", time.Hour)
	mgmt, _ := auth.NewSigner(key, "monozu-mgmt", time.Hour)
	expired, _ := auth.NewSigner(key, "monozu-cloud", -time.Hour)
	ids := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	sign := func(signer *auth.Signer) string {
		raw, _, err := signer.Issue(ids[0], ids[1], ids[2])
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	good := sign(s)
	parts := strings.Split(good, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."

	hs512 := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims{
		"sub": ids[0].String(), "tid": ids[1].String(), "sid": ids[2].String(), "aud": "monozu-cloud",
		"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix(), "jti": "x",
	})
	hs512raw, _ := hs512.SignedString([]byte(key))
	noExp := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": ids[0].String(), "tid": ids[1].String(), "sid": ids[2].String(), "aud": "monozu-cloud", "iat": time.Now().Unix(), "jti": "x",
	})
	noExpRaw, _ := noExp.SignedString([]byte(key))
	noTenant := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": ids[0].String(), "sid": ids[2].String(), "aud": "monozu-cloud",
		"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix(), "jti": "x",
	})
	noTenantRaw, _ := noTenant.SignedString([]byte(key))

	for name, raw := range map[string]string{
		"another key":      sign(other),
		"another audience": sign(mgmt),
		"expired":          sign(expired),
		"alg none":         none,
		"HS512":            hs512raw,
		"no expiry":        noExpRaw,
		"no tenant":        noTenantRaw,
		"tampered payload": parts[0] + "." + parts[1] + "x." + parts[2],
		"garbage":          "not-a-token",
		"empty":            "",
	} {
		if _, err := s.Verify(raw); err != auth.ErrInvalidToken {
			t.Errorf("%s: want ErrInvalidToken, got %v", name, err)
		}
	}
	if _, err := auth.NewSigner("short", "a", time.Hour); err == nil {
		t.Error("a short key was accepted")
	}
}
