package cloud_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// seedTenant gives a tenant some objects of every kind its admin can make.
func seedTenant(t *testing.T, e *cloudtest.Env, s cloudtest.Session, account string) {
	t.Helper()
	if r := e.Do(t, "POST", "/api/v1/settings/users/invitations", map[string]any{"email": "guest@" + account + ".example.com"}, s.Bearer()); r.Status != 201 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "POST", "/api/v1/settings/groups", map[string]any{"name": "Operators", "description": "x", "permissions": []string{"assets.read"}}, s.Bearer()); r.Status != 201 {
		t.Fatalf("group: %d %s", r.Status, r.Body)
	}
}

// TestCrossTenantSweep is DESIGN.md §2.8's promise for every route at once:
// tenant A never reaches tenant B's objects.
func TestCrossTenantSweep(t *testing.T) {
	e := cloudtest.New(t)
	_, a := e.ActiveTenant(t, "sweep-a")
	_, b := e.ActiveTenant(t, "sweep-b")
	seedTenant(t, e, a, "sweep-a")
	seedTenant(t, e, b, "sweep-b")
	if leaks := cloudtest.CrossTenantSweep(t, e, a, b); len(leaks) > 0 {
		t.Fatalf("cross-tenant leaks:\n%s", strings.Join(leaks, "\n"))
	}
}

// TestCrossTenantSweepCatchesALeak adds a route that reads around row-level
// security and proves the sweep reports it.
func TestCrossTenantSweepCatchesALeak(t *testing.T) {
	e := cloudtest.New(t)
	_, a := e.ActiveTenant(t, "leak-a")
	_, b := e.ActiveTenant(t, "leak-b")
	e.Server.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/leaky/users/:id", Permission: "settings.users.read",
		Summary: "A broken route that ignores the tenant",
		Handler: func(c fiber.Ctx) error {
			id, err := uuid.Parse(c.Params("id"))
			if err != nil {
				return fiber.ErrNotFound
			}
			var email string
			op := database.Operation{Name: "test.leak", Actor: "test"}
			err = e.DB.Platform.InPlatform(context.Background(), op, func(tx *database.Tx) error {
				return tx.Get(context.Background(), &email, `SELECT email FROM users WHERE id = $1`, id)
			})
			if err != nil {
				return fiber.ErrNotFound
			}
			return c.JSON(map[string]string{"email": email})
		}})
	leaks := strings.Join(cloudtest.CrossTenantSweep(t, e, a, b), "\n")
	if !strings.Contains(leaks, "GET /api/v1/leaky/users/") {
		t.Fatalf("the sweep missed a leaking route; it reported:\n%s", leaks)
	}
}
