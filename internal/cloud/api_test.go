package cloud_test

import (
	"database/sql"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

func newAPI(t *testing.T) (*httpapi.Server, *dbtest.DB) {
	t.Helper()
	e := cloudtest.New(t)
	return e.Server, e.DB
}

// TestEveryRouteIsDocumented is guard (d): a route registered around the
// registry, and so missing from /api/v1/openapi.json, fails the build.
func TestEveryRouteIsDocumented(t *testing.T) {
	s, _ := newAPI(t)
	if missing := httpapi.Undocumented(s); len(missing) > 0 {
		t.Fatalf("routes missing from the OpenAPI document: %v", missing)
	}
	r := apitest.Do(t, s.App(), "GET", httpapi.OpenAPIPath, nil, nil)
	if r.Status != 200 {
		t.Fatalf("openapi.json: %d", r.Status)
	}
	apitest.AssertValidOpenAPI(t, r.Body)
}

// TestServesTheWebApp: the Cloud SPA answers / and its own routes (with
// index.html, or, in a build without the web apps, a page saying how to build
// them); the API's paths stay the API's.
func TestServesTheWebApp(t *testing.T) {
	s, _ := newAPI(t)
	app := s.App()
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
	s, d := newAPI(t)
	apitest.Run(t, s.App(), "success", []apitest.Case{
		{Name: "alive", Method: "GET", Path: "/healthz", Status: 200},
		{Name: "ready: database reachable and migrations current", Method: "GET", Path: "/readyz", Status: 200},
	})

	admin, err := sql.Open("pgx", d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	if _, err := admin.Exec(`DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	apitest.Run(t, s.App(), "not ready", []apitest.Case{
		{Name: "still alive", Method: "GET", Path: "/healthz", Status: 200},
		{Name: "migrations pending", Method: "GET", Path: "/readyz", Status: 503, Code: "not_ready"},
	})
	_ = d.App.Close()
	apitest.Run(t, s.App(), "database gone", []apitest.Case{
		{Name: "not ready", Method: "GET", Path: "/readyz", Status: 503},
	})
}
