package idempotency_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/idempotency"
)

func with(s cloudtest.Session, key string) map[string]string {
	h := s.Bearer()
	h["Idempotency-Key"] = key
	return h
}

func TestRetriedCreatesHappenOnce(t *testing.T) {
	e := cloudtest.New(t)
	tenantA, a := e.ActiveTenant(t, "idem-a")
	_, b := e.ActiveTenant(t, "idem-b")
	group := map[string]any{"name": "Night shift", "description": "", "permissions": []string{"assets.read"}}
	var firstBody string
	apitest.Run(t, e.Server.App(), "replay", []apitest.Case{
		{Name: "first", Method: "POST", Path: "/api/v1/settings/groups", Body: group, Headers: with(a, "key-1"), Status: 201,
			Check: func(t *testing.T, r *apitest.Response) { firstBody = string(r.Body) }},
		{Name: "retry", Method: "POST", Path: "/api/v1/settings/groups", Body: group, Headers: with(a, "key-1"), Status: 201,
			Check: func(t *testing.T, r *apitest.Response) {
				if string(r.Body) != firstBody || r.Header.Get("Idempotent-Replayed") != "true" {
					t.Fatalf("retry answered %s (replayed %q), first %s", r.Body, r.Header.Get("Idempotent-Replayed"), firstBody)
				}
			}},
		{Name: "same key, other request", Method: "POST", Path: "/api/v1/settings/groups", Headers: with(a, "key-1"), Status: 422,
			Code: "idempotency_key_reused", Body: map[string]any{"name": "Day shift", "description": "", "permissions": []string{}}},
		{Name: "bad key", Method: "POST", Path: "/api/v1/settings/groups", Body: group, Headers: with(a, "has spaces"), Status: 422},
	})
	apitest.Run(t, e.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "another tenant's same key runs", Method: "POST", Path: "/api/v1/settings/groups", Body: group, Headers: with(b, "key-1"), Status: 201,
			Check: func(t *testing.T, r *apitest.Response) {
				if r.Header.Get("Idempotent-Replayed") != "" || string(r.Body) == firstBody {
					t.Fatal("tenant B got tenant A's answer")
				}
			}},
	})
	apitest.Run(t, e.Server.App(), "failures are remembered too", []apitest.Case{
		{Name: "duplicate name", Method: "POST", Path: "/api/v1/settings/groups", Body: group, Headers: with(a, "key-2"), Status: 422},
		{Name: "retry gets the same 422", Method: "POST", Path: "/api/v1/settings/groups", Body: group, Headers: with(a, "key-2"), Status: 422,
			Check: func(t *testing.T, r *apitest.Response) {
				if r.Header.Get("Idempotent-Replayed") != "true" {
					t.Fatal("not replayed")
				}
			}},
	})

	db, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM groups WHERE tenant_id = $1 AND name = 'Night shift'`, tenantA).Scan(&n); err != nil || n != 1 {
		t.Fatalf("groups created: %d (%v), want 1", n, err)
	}
}

func TestExpiredKeysAreCleanedUp(t *testing.T) {
	e := cloudtest.New(t)
	_, a := e.ActiveTenant(t, "idem-clean")
	group := map[string]any{"name": "Weekend", "description": "", "permissions": []string{}}
	if r := e.Do(t, "POST", "/api/v1/settings/groups", group, with(a, "old-key")); r.Status != 201 {
		t.Fatalf("create: %d", r.Status)
	}
	cleanup := idempotency.NewCleanup(e.DB.Platform)
	if n, err := cleanup.Run(context.Background(), time.Now()); err != nil || n != 0 {
		t.Fatalf("a fresh key was cleaned: %d, %v", n, err)
	}
	if n, err := cleanup.Run(context.Background(), time.Now().Add(idempotency.Lifetime+time.Minute)); err != nil || n != 1 {
		t.Fatalf("the expired key was not cleaned: %d, %v", n, err)
	}
	// After expiry the same key runs again (and meets the duplicate name).
	if r := e.Do(t, "POST", "/api/v1/settings/groups", group, with(a, "old-key")); r.Status != 422 || r.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("after cleanup: %d replayed %q", r.Status, r.Header.Get("Idempotent-Replayed"))
	}
}
