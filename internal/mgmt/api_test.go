package mgmt_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/mgmt"
	"github.com/monozu/monozu/internal/mgmt/mgmttest"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// TestEveryRouteIsDocumented: the management API's routes are all in its
// OpenAPI document, and the document is valid OpenAPI 3.1.
func TestEveryRouteIsDocumented(t *testing.T) {
	e := mgmttest.New(t)
	if missing := httpapi.Undocumented(e.Server); len(missing) > 0 {
		t.Fatalf("routes missing from the OpenAPI document: %v", missing)
	}
	r := e.Do(t, "GET", httpapi.OpenAPIPath, nil, nil)
	if r.Status != 200 {
		t.Fatalf("openapi.json: %d", r.Status)
	}
	apitest.AssertValidOpenAPI(t, r.Body)
}

// TestServesTheWebApp: the Management SPA answers / and its own routes (with
// index.html, or, in a build without the web apps, a page saying how to build
// them); the API's paths stay the API's.
func TestServesTheWebApp(t *testing.T) {
	app := mgmttest.New(t).Server.App()
	page := func(t *testing.T, r *apitest.Response) {
		if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" || !strings.Contains(string(r.Body), "<html") {
			t.Fatalf("not an HTML page: %s %s", ct, r.Body)
		}
	}
	apitest.Run(t, app, "web app", []apitest.Case{
		{Name: "root", Method: "GET", Path: "/", Status: 200, Check: page},
		{Name: "a route of the app", Method: "GET", Path: "/settings/users", Status: 200, Check: page},
		{Name: "a missing file", Method: "GET", Path: "/assets/missing-0000.js", Status: 404, Code: "not_found"},
		{Name: "an unknown API path", Method: "GET", Path: "/api/v1/no-such-thing", Status: 404, Code: "not_found"},
	})
}

func TestHealth(t *testing.T) {
	e := mgmttest.New(t)
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "alive", Method: "GET", Path: "/healthz", Status: 200},
		{Name: "ready: database reachable and migrations current", Method: "GET", Path: "/readyz", Status: 200},
	})
	admin, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	if _, err := admin.Exec(`DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	apitest.Run(t, e.Server.App(), "not ready", []apitest.Case{
		{Name: "migrations pending", Method: "GET", Path: "/readyz", Status: 503, Code: "not_ready"},
	})
}

func TestShortSecretKeyRefused(t *testing.T) {
	if _, err := mgmt.NewAPI(mgmt.Deps{SecretKey: "short"}); err == nil {
		t.Fatal("a secret key under 32 characters was accepted")
	}
}

// TestSignInRowsAreNeverDeleted: sessions, refresh tokens and challenges
// are ended, not deleted, so the app role holds no DELETE on them.
func TestSignInRowsAreNeverDeleted(t *testing.T) {
	e := mgmttest.New(t)
	ctx := context.Background()
	for _, table := range []string{"operator_sessions", "operator_refresh_tokens", "operator_mfa_challenges", "operator_audit"} {
		err := e.DB.App.InGlobal(ctx, func(tx *database.Tx) error {
			_, err := tx.Exec(ctx, "DELETE FROM "+table)
			return err
		})
		if err == nil {
			t.Errorf("the management app role may delete from %s", table)
		}
	}
}
