package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Cookie and header names of browser sessions (spec 10-platform). A
// plane's BrowserAuth.CookiePrefix goes before the cookie names.
const (
	RefreshCookie = "refresh_token"
	CSRFCookie    = "csrf_token"
	CSRFHeader    = "X-CSRF-Token"
)

// BrowserAuth shapes a service's browser-facing sign-in endpoints (the
// Cloud's and the management plane's alike).
type BrowserAuth struct {
	// SecureCookies marks cookies Secure (everywhere but local development).
	SecureCookies bool
	// AllowedOrigins may call the cookie-authenticated endpoints.
	AllowedOrigins []string
	// CredentialRateLimit is the per-IP budget per minute of each endpoint
	// that checks a credential.
	CredentialRateLimit int
	// CookiePrefix goes before the cookie names ("mgmt_" for the management
	// plane): browsers share cookies between the ports of one host, so the
	// Cloud and the management plane on one machine need names of their own.
	CookiePrefix string
}

// Cookies are the session cookies of these endpoints under authPath.
func (b BrowserAuth) Cookies(authPath string, ttl time.Duration) SessionCookies {
	return SessionCookies{AuthPath: authPath, Secure: b.SecureCookies, AllowedOrigins: b.AllowedOrigins, TTL: ttl,
		Prefix: b.CookiePrefix}
}

// SessionCookies carries a browser session's refresh token in an HttpOnly,
// SameSite=Strict cookie scoped to the auth path, with a readable csrf_token
// cookie the SPA echoes in X-CSRF-Token (double submit). Cloud and
// management plane share it.
type SessionCookies struct {
	AuthPath       string // e.g. /api/v1/auth
	Secure         bool   // everywhere but local development
	AllowedOrigins []string
	TTL            time.Duration
	Prefix         string // before the cookie names
}

func (s SessionCookies) refreshName() string { return s.Prefix + RefreshCookie }
func (s SessionCookies) csrfName() string    { return s.Prefix + CSRFCookie }

// Set issues both cookies and forbids caching of the response.
func (s SessionCookies) Set(c fiber.Ctx, refreshToken string) {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	maxAge := int(s.TTL.Seconds())
	c.Cookie(&fiber.Cookie{Name: s.refreshName(), Value: refreshToken, Path: s.AuthPath, HTTPOnly: true,
		Secure: s.Secure, SameSite: fiber.CookieSameSiteStrictMode, MaxAge: maxAge})
	// Readable by the SPA (path /): JavaScript echoes it, other sites cannot.
	c.Cookie(&fiber.Cookie{Name: s.csrfName(), Value: base64.RawURLEncoding.EncodeToString(raw), Path: "/",
		Secure: s.Secure, SameSite: fiber.CookieSameSiteStrictMode, MaxAge: maxAge})
	c.Set(fiber.HeaderCacheControl, "no-store")
}

// Clear removes both cookies.
func (s SessionCookies) Clear(c fiber.Ctx) {
	for name, path := range map[string]string{s.refreshName(): s.AuthPath, s.csrfName(): "/"} {
		c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: path, HTTPOnly: name == s.refreshName(),
			Secure: s.Secure, SameSite: fiber.CookieSameSiteStrictMode, MaxAge: -1})
	}
}

// RefreshToken is the refresh cookie of the request.
func (s SessionCookies) RefreshToken(c fiber.Ctx) string {
	return strings.Clone(c.Cookies(s.refreshName()))
}

// CheckCSRF requires the double-submit header to equal the csrf cookie and
// the request's Origin to be an allowed one.
func (s SessionCookies) CheckCSRF(c fiber.Ctx) error {
	cookie, header := c.Cookies(s.csrfName()), c.Get(CSRFHeader)
	if cookie == "" || header == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(header)) != 1 ||
		!slices.Contains(s.AllowedOrigins, c.Get(fiber.HeaderOrigin)) {
		return errs.New(errs.KindPermissionDenied, "The request lacks a valid CSRF token or comes from an origin that is not allowed.").WithCode("csrf_failed")
	}
	return nil
}

// RotateSession trades the request's refresh cookie for new tokens through
// rotate, after the CSRF check. A session that is gone clears the cookies,
// so the browser stops presenting it.
func RotateSession[T any](s SessionCookies, c fiber.Ctx, rotate func(ctx context.Context, refreshToken string) (T, error)) (T, error) {
	var none T
	if err := s.CheckCSRF(c); err != nil {
		return none, err
	}
	tokens, err := rotate(c.Context(), s.RefreshToken(c))
	if err != nil {
		if errs.Is(err, errs.KindUnauthenticated) {
			s.Clear(c)
		}
		return none, err
	}
	return tokens, nil
}

// EndSession ends the session of the request's refresh cookie through end,
// after the CSRF check, clears the cookies and answers 204.
func (s SessionCookies) EndSession(c fiber.Ctx, end func(ctx context.Context, refreshToken string) error) error {
	if err := s.CheckCSRF(c); err != nil {
		return err
	}
	if err := end(c.Context(), s.RefreshToken(c)); err != nil {
		return err
	}
	s.Clear(c)
	return c.SendStatus(fiber.StatusNoContent)
}

// BearerToken is the token of an "Authorization: Bearer" header.
func BearerToken(c fiber.Ctx) (string, bool) {
	raw, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	raw = strings.TrimSpace(raw)
	return raw, ok && raw != ""
}
