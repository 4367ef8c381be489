package identity_test

import (
	"database/sql"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/rbac"
)

func TestRegistrationAndActivation(t *testing.T) {
	e := cloudtest.New(t)
	tenantID := e.Register(t, "acme-test", "ana@acme.example.com")
	login := map[string]string{"email": "ana@acme.example.com", "password": cloudtest.Password}

	apitest.Run(t, e.Server.App(), "pending tenant", []apitest.Case{
		{Name: "login before the licence", Method: "POST", Path: "/api/v1/auth/login", Body: login, Status: 403, Code: "tenant_pending"},
	})
	e.License(t, tenantID, rbac.FeatureSecurity)

	r := e.Do(t, "POST", "/api/v1/auth/login", login, nil)
	if r.Status != 200 {
		t.Fatalf("login after the licence: %d %s", r.Status, r.Body)
	}
	var refresh *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "refresh_token" {
			refresh = c
		}
	}
	if refresh == nil || !refresh.HttpOnly || !refresh.Secure || refresh.SameSite != http.SameSiteStrictMode || refresh.Path != "/api/v1/auth" {
		t.Fatalf("refresh cookie %+v", refresh)
	}
	s := cloudtest.SessionFrom(t, r)

	var me struct {
		User   struct{ Email string } `json:"user"`
		Tenant struct {
			AccountName string `json:"account_name"`
			Status      string
		}
		Permissions []string        `json:"permissions"`
		Features    map[string]bool `json:"features"`
	}
	e.Do(t, "GET", "/api/v1/me", nil, s.Bearer()).JSON(t, &me)
	if me.User.Email != "ana@acme.example.com" || me.Tenant.AccountName != "acme-test" || me.Tenant.Status != "active" {
		t.Fatalf("/me = %+v", me)
	}
	if len(me.Permissions) != len(rbac.Catalogue()) || !slices.Contains(me.Permissions, "settings.groups.manage") {
		t.Fatalf("Admin permissions: %v", me.Permissions)
	}
	var features map[string]bool
	e.Do(t, "GET", "/api/v1/me/features", nil, s.Bearer()).JSON(t, &features)
	if !features["security"] || features["vpn"] || features["backup"] || len(features) != 3 {
		t.Fatalf("/me/features = %v", features)
	}
}

func TestRegistrationRefusesBadInput(t *testing.T) {
	e := cloudtest.New(t)
	e.Register(t, "taken", "first@taken.example.com")
	body := func(account, email, password string) map[string]string {
		return map[string]string{"account_name": account, "organization_name": "Org", "email": email,
			"password": password, "display_name": "Someone"}
	}
	field := func(name string) func(*testing.T, *apitest.Response) {
		return func(t *testing.T, r *apitest.Response) {
			for _, f := range r.Problem(t).Errors {
				if f.Field == name {
					return
				}
			}
			t.Fatalf("no error for %s: %s", name, r.Body)
		}
	}
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "account name taken", Method: "POST", Path: "/api/v1/auth/register", Body: body("taken", "b@x.example.com", cloudtest.Password), Status: 422, Check: field("account_name")},
		{Name: "email taken", Method: "POST", Path: "/api/v1/auth/register", Body: body("fresh-org", "First@Taken.example.com", cloudtest.Password), Status: 422, Check: field("email")},
		{Name: "bad account name", Method: "POST", Path: "/api/v1/auth/register", Body: body("No Spaces", "c@x.example.com", cloudtest.Password), Status: 422, Check: field("account_name")},
		{Name: "bad email", Method: "POST", Path: "/api/v1/auth/register", Body: body("org-two", "not-an-email", cloudtest.Password), Status: 422, Check: field("email")},
		{Name: "common password", Method: "POST", Path: "/api/v1/auth/register", Body: body("org-three", "d@x.example.com", "password1234"), Status: 422, Check: field("password")},
		{Name: "short password", Method: "POST", Path: "/api/v1/auth/register", Body: body("org-four", "e@x.example.com", "short"), Status: 422, Check: field("password")},
		{Name: "malformed JSON", Method: "POST", Path: "/api/v1/auth/register", Body: `{"account_name":`, Status: 400, Code: "malformed_json"},
	})
}

func TestRefreshRotationAndReuse(t *testing.T) {
	e := cloudtest.New(t)
	_, first := e.ActiveTenant(t, "rotor")

	r := e.Do(t, "POST", "/api/v1/auth/refresh", nil, first.Cookies())
	if r.Status != 200 {
		t.Fatalf("refresh: %d %s", r.Status, r.Body)
	}
	second := cloudtest.SessionFrom(t, r)
	if second.Refresh == first.Refresh || second.Access == "" {
		t.Fatal("the refresh token was not rotated")
	}
	if r := e.Do(t, "GET", "/api/v1/me", nil, second.Bearer()); r.Status != 200 {
		t.Fatalf("new access token: %d", r.Status)
	}

	noCSRF := first.Cookies()
	delete(noCSRF, "X-CSRF-Token")
	badOrigin := second.Cookies()
	badOrigin["Origin"] = "https://evil.example.com"
	apitest.Run(t, e.Server.App(), "csrf", []apitest.Case{
		{Name: "no CSRF header", Method: "POST", Path: "/api/v1/auth/refresh", Headers: noCSRF, Status: 403, Code: "csrf_failed"},
		{Name: "foreign origin", Method: "POST", Path: "/api/v1/auth/refresh", Headers: badOrigin, Status: 403, Code: "csrf_failed"},
	})
	apitest.Run(t, e.Server.App(), "reuse revokes the session", []apitest.Case{
		{Name: "the rotated token again", Method: "POST", Path: "/api/v1/auth/refresh", Headers: first.Cookies(), Status: 401, Code: "session_invalid"},
		{Name: "then the newest token too", Method: "POST", Path: "/api/v1/auth/refresh", Headers: second.Cookies(), Status: 401, Code: "session_invalid"},
		{Name: "and its access token", Method: "GET", Path: "/api/v1/me", Headers: second.Bearer(), Status: 401},
	})
}

func TestLogout(t *testing.T) {
	e := cloudtest.New(t)
	_, s := e.ActiveTenant(t, "leaver")
	apitest.Run(t, e.Server.App(), "logout", []apitest.Case{
		{Name: "logout", Method: "POST", Path: "/api/v1/auth/logout", Headers: s.Cookies(), Status: 204, Check: func(t *testing.T, r *apitest.Response) {
			if !strings.Contains(strings.Join(r.Header.Values("Set-Cookie"), ";"), "refresh_token=;") {
				t.Fatalf("cookie not cleared: %v", r.Header.Values("Set-Cookie"))
			}
		}},
		{Name: "refresh after logout", Method: "POST", Path: "/api/v1/auth/refresh", Headers: s.Cookies(), Status: 401},
		{Name: "access token after logout", Method: "GET", Path: "/api/v1/me", Headers: s.Bearer(), Status: 401},
	})
}

func TestLockout(t *testing.T) {
	e := cloudtest.New(t)
	e.ActiveTenant(t, "locksmith")
	email := "admin@locksmith.example.com"
	wrong := map[string]string{"email": email, "password": "wrong password, again"}
	var cases []apitest.Case
	for i := 1; i <= 5; i++ {
		cases = append(cases, apitest.Case{Name: "wrong password " + string(rune('0'+i)), Method: "POST", Path: "/api/v1/auth/login", Body: wrong, Status: 401, Code: "invalid_credentials"})
	}
	locked := func(t *testing.T, r *apitest.Response) {
		if r.Header.Get("Retry-After") == "" {
			t.Fatal("423 without Retry-After")
		}
	}
	cases = append(cases,
		apitest.Case{Name: "sixth attempt", Method: "POST", Path: "/api/v1/auth/login", Body: wrong, Status: 423, Code: "account_locked", Check: locked},
		apitest.Case{Name: "even the right password", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": email, "password": cloudtest.Password}, Status: 423, Code: "account_locked", Check: locked},
	)
	apitest.Run(t, e.Server.App(), "lockout", cases)
	apitest.Run(t, e.Server.App(), "unknown e-mail answers like a wrong password", []apitest.Case{
		{Name: "unknown", Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "nobody@nowhere.example.com", "password": "whatever it is"}, Status: 401, Code: "invalid_credentials"},
	})
}

func TestRefusedAccessTokens(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, s := e.ActiveTenant(t, "tokens")
	claims, err := mustSigner(t, cloudtest.SecretKey, cloud.Audience, time.Hour).Verify(s.Access)
	if err != nil {
		t.Fatal(err)
	}
	issue := func(key, audience string, ttl time.Duration) string {
		raw, _, err := mustSigner(t, key, audience, ttl).Issue(claims.UserID, tenantID, claims.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	parts := strings.Split(s.Access, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	hs384, _ := jwt.NewWithClaims(jwt.SigningMethodHS384, jwt.MapClaims{"sub": claims.UserID.String(), "tid": tenantID.String(),
		"sid": claims.SessionID.String(), "aud": cloud.Audience, "exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix(), "jti": "x"}).
		SignedString([]byte(cloudtest.SecretKey))
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	apitest.Run(t, e.Server.App(), "refused", []apitest.Case{
		{Name: "another key", Method: "GET", Path: "/api/v1/me", Headers: bearer(issue("another-secret-key-another-secret-key", cloud.Audience, time.Hour)), Status: 401},
		{Name: "alg none", Method: "GET", Path: "/api/v1/me", Headers: bearer(none), Status: 401},
		{Name: "HS384", Method: "GET", Path: "/api/v1/me", Headers: bearer(hs384), Status: 401},
		{Name: "expired", Method: "GET", Path: "/api/v1/me", Headers: bearer(issue(cloudtest.SecretKey, cloud.Audience, -time.Hour)), Status: 401},
		{Name: "another audience", Method: "GET", Path: "/api/v1/me", Headers: bearer(issue(cloudtest.SecretKey, "monozu-mgmt", time.Hour)), Status: 401},
		{Name: "no token", Method: "GET", Path: "/api/v1/me", Status: 401},
	})
	apitest.Run(t, e.Server.App(), "accepted", []apitest.Case{
		{Name: "the real token", Method: "GET", Path: "/api/v1/me", Headers: s.Bearer(), Status: 200},
	})
}

func mustSigner(t *testing.T, key, audience string, ttl time.Duration) *auth.Signer {
	t.Helper()
	s, err := auth.NewSigner(key, audience, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCrossTenant: a token naming another tenant with this tenant's session
// and user finds nothing there.
func TestCrossTenant(t *testing.T) {
	e := cloudtest.New(t)
	_, a := e.ActiveTenant(t, "tenant-a")
	tenantB, b := e.ActiveTenant(t, "tenant-b")
	claims, err := mustSigner(t, cloudtest.SecretKey, cloud.Audience, time.Hour).Verify(a.Access)
	if err != nil {
		t.Fatal(err)
	}
	forged, _, _ := mustSigner(t, cloudtest.SecretKey, cloud.Audience, time.Hour).Issue(claims.UserID, tenantB, claims.SessionID)
	apitest.Run(t, e.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "A's session in B's tenant", Method: "GET", Path: "/api/v1/me", Headers: map[string]string{"Authorization": "Bearer " + forged}, Status: 401},
		{Name: "B sees B", Method: "GET", Path: "/api/v1/me", Headers: b.Bearer(), Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if !strings.Contains(string(r.Body), `"account_name":"tenant-b"`) || strings.Contains(string(r.Body), "tenant-a") {
				t.Fatalf("/me for B: %s", r.Body)
			}
		}},
	})
}

func TestCredentialEndpointsAreRateLimited(t *testing.T) {
	e := cloudtest.New(t, func(d *cloud.Deps) { d.Auth.CredentialRateLimit = 3 })
	body := map[string]string{"email": "x@y.example.com", "password": "whatever it is"}
	var cases []apitest.Case
	for i := range 3 {
		cases = append(cases, apitest.Case{Name: "attempt " + string(rune('1'+i)), Method: "POST", Path: "/api/v1/auth/login", Body: body, Status: 401})
	}
	cases = append(cases, apitest.Case{Name: "over the limit", Method: "POST", Path: "/api/v1/auth/login", Body: body, Status: 429, Code: "rate_limited"})
	apitest.Run(t, e.Server.App(), "rate limit", cases)
}

func TestSecurityEventsAreAudited(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, s := e.ActiveTenant(t, "audited")
	e.Do(t, "POST", "/api/v1/auth/login", map[string]string{"email": "admin@audited.example.com", "password": "not the password"},
		map[string]string{"X-Request-Id": "req-audit-0001", "User-Agent": "audit-test"})
	cloudtest.SessionFrom(t, e.Do(t, "POST", "/api/v1/auth/refresh", nil, s.Cookies()))
	e.Do(t, "POST", "/api/v1/auth/refresh", nil, s.Cookies()) // reuse

	db, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	rows, err := db.Query(`SELECT action, actor_type, coalesce(actor_id::text, ''), coalesce(host(ip), ''), request_id, user_agent
		FROM audit_log WHERE tenant_id = $1 ORDER BY at, id`, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var actions []string
	for rows.Next() {
		var action, actorType, actorID, ip, requestID, ua string
		if err := rows.Scan(&action, &actorType, &actorID, &ip, &requestID, &ua); err != nil {
			t.Fatal(err)
		}
		actions = append(actions, action)
		if action == "licence.apply" { // applied by the system, outside any request
			continue
		}
		if actorType != "user" || actorID == "" || requestID == "" {
			t.Errorf("%s: actor %s %q, request id %q", action, actorType, actorID, requestID)
		}
		if action == "auth.login_failed" && (requestID != "req-audit-0001" || ua != "audit-test" || ip == "") {
			t.Errorf("failed login recorded without its client: ip %q request %q agent %q", ip, requestID, ua)
		}
	}
	for _, want := range []string{"auth.register", "licence.apply", "auth.login", "auth.login_failed", "auth.refresh_reuse"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit log lacks %s: %v", want, actions)
		}
	}
}
