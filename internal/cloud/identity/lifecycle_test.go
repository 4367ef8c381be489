package identity_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/rbac"
)

func setTenantStatus(t *testing.T, e *cloudtest.Env, tenant any, status string) {
	t.Helper()
	db, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if _, err := db.Exec(`UPDATE tenants SET status = $2 WHERE id = $1`, tenant, status); err != nil {
		t.Fatal(err)
	}
}

func TestSuspendedAndDeletedTenants(t *testing.T) {
	e := cloudtest.New(t)
	suspended, s := e.ActiveTenant(t, "paused")
	deleted, _ := e.ActiveTenant(t, "gone")
	setTenantStatus(t, e, suspended, "suspended")
	setTenantStatus(t, e, deleted, "deleted")
	apitest.Run(t, e.Server.App(), "refused", []apitest.Case{
		{Name: "suspended sign-in", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "admin@paused.example.com", "password": cloudtest.Password}, Status: 403, Code: "tenant_suspended"},
		{Name: "suspended refresh", Method: "POST", Path: "/api/v1/auth/refresh", Headers: s.Cookies(), Status: 401},
		{Name: "deleted sign-in looks like a wrong password", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "admin@gone.example.com", "password": cloudtest.Password}, Status: 401, Code: "invalid_credentials"},
	})
}

func TestFeatureGuard(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, s := e.ActiveTenant(t, "modular", rbac.FeatureSecurity)
	ok := func(c fiber.Ctx) error { return c.SendStatus(http.StatusNoContent) }
	e.Server.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/probe/alerts", Summary: "probe", Permission: "security.read",
		Feature: string(rbac.FeatureSecurity), Handler: ok})
	e.Server.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/probe/tunnels", Summary: "probe", Permission: "vpn.read",
		Feature: string(rbac.FeatureVPN), Handler: ok})
	apitest.Run(t, e.Server.App(), "licensed", []apitest.Case{
		{Name: "security is on", Method: "GET", Path: "/api/v1/probe/alerts", Headers: s.Bearer(), Status: 204},
		{Name: "vpn is off", Method: "GET", Path: "/api/v1/probe/tunnels", Headers: s.Bearer(), Status: 403, Code: "feature_disabled"},
	})
	// An expired licence in its grace period keeps the modules and flags it.
	ctx := auth.WithPrincipal(context.Background(), auth.System(tenantID))
	lapsedYesterday := time.Now().Add(-24 * time.Hour)
	if err := e.Services.Licensing.Apply(ctx, licensing.License{Plan: "grace", Features: []rbac.Feature{rbac.FeatureSecurity},
		StartsAt: time.Now().Add(-48 * time.Hour), ExpiresAt: &lapsedYesterday, GraceDays: 14}, "test"); err != nil {
		t.Fatal(err)
	}
	apitest.Run(t, e.Server.App(), "grace", []apitest.Case{
		{Name: "security still on", Method: "GET", Path: "/api/v1/probe/alerts", Headers: s.Bearer(), Status: 204},
		{Name: "me flags the expiry", Method: "GET", Path: "/api/v1/me", Headers: s.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if !strings.Contains(string(r.Body), `"licence_expiring":true`) {
					t.Fatalf("/me: %s", r.Body)
				}
			}},
	})
	// An expired licence past its grace switches the modules off.
	past := time.Now().Add(-48 * time.Hour)
	ended := time.Now().Add(-24 * time.Hour)
	err := e.Services.Licensing.Apply(ctx, licensing.License{Plan: "lapsed", Features: []rbac.Feature{rbac.FeatureSecurity},
		StartsAt: past, ExpiresAt: &ended}, "test")
	if err != nil {
		t.Fatal(err)
	}
	apitest.Run(t, e.Server.App(), "lapsed", []apitest.Case{
		{Name: "security is off", Method: "GET", Path: "/api/v1/probe/alerts", Headers: s.Bearer(), Status: 403, Code: "feature_disabled"},
		{Name: "base modules keep working", Method: "GET", Path: "/api/v1/me", Headers: s.Bearer(), Status: 200},
	})
}

func TestUserLimitOfTheLicence(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, s := e.ActiveTenant(t, "small-team")
	ctx := auth.WithPrincipal(context.Background(), auth.System(tenantID))
	if err := e.Services.Licensing.Apply(ctx, licensing.License{Plan: "tiny", StartsAt: time.Now().Add(-time.Hour),
		Limits: map[string]int{"max_users": 2}}, "test"); err != nil {
		t.Fatal(err)
	}
	apitest.Run(t, e.Server.App(), "limit", []apitest.Case{
		{Name: "second user", Method: "POST", Path: "/api/v1/settings/users/invitations", Headers: s.Bearer(),
			Body: map[string]any{"email": "two@small-team.example.com"}, Status: 201},
		{Name: "third user", Method: "POST", Path: "/api/v1/settings/users/invitations", Headers: s.Bearer(),
			Body: map[string]any{"email": "three@small-team.example.com"}, Status: 403, Code: "licence_limit"},
	})
}

// fakeClock is a settable time for licence expiry.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestLicenceExpiryWithAClock crosses expiry and grace without waiting.
func TestLicenceExpiryWithAClock(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	e := cloudtest.New(t, func(d *cloud.Deps) { d.Clock = clock.Now })
	tenantID, s := e.ActiveTenant(t, "clocked")
	expires := clock.Now().Add(time.Hour)
	ctx := auth.WithPrincipal(context.Background(), auth.System(tenantID))
	if err := e.Services.Licensing.Apply(ctx, licensing.License{Plan: "term", Features: []rbac.Feature{rbac.FeatureSecurity},
		StartsAt: clock.Now().Add(-time.Hour), ExpiresAt: &expires, GraceDays: 1}, "test"); err != nil {
		t.Fatal(err)
	}
	features := func() map[string]bool {
		var f map[string]bool
		e.Do(t, "GET", "/api/v1/me/features", nil, s.Bearer()).JSON(t, &f)
		return f
	}
	if !features()["security"] {
		t.Fatal("security off while the licence runs")
	}
	clock.Advance(2 * time.Hour) // expired, in grace
	if !features()["security"] {
		t.Fatal("security off during grace")
	}
	if r := e.Do(t, "GET", "/api/v1/me", nil, s.Bearer()); !strings.Contains(string(r.Body), `"licence_expiring":true`) {
		t.Fatalf("/me during grace: %s", r.Body)
	}
	clock.Advance(48 * time.Hour) // past grace
	if features()["security"] {
		t.Fatal("security still on after grace")
	}
	if r := e.Do(t, "GET", "/api/v1/me", nil, s.Bearer()); r.Status != 200 {
		t.Fatalf("base modules must keep working: %d", r.Status)
	}
}
