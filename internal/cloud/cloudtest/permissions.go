package cloudtest

import (
	"encoding/json"
	"testing"

	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// AssertRoutePermissions checks the API documents every route it serves,
// that its OpenAPI document is valid, and that each path and method of want
// (OpenAPI path → lower-case method → permission key) declares that
// permission.
func AssertRoutePermissions(t *testing.T, e *Env, want map[string]map[string]string) {
	t.Helper()
	if missing := httpapi.Undocumented(e.Server); len(missing) > 0 {
		t.Fatalf("undocumented routes: %v", missing)
	}
	doc, err := json.Marshal(e.Server.OpenAPI("Monozu Cloud API"))
	if err != nil {
		t.Fatal(err)
	}
	apitest.AssertValidOpenAPI(t, doc)
	var parsed struct {
		Paths map[string]map[string]struct {
			Permission string `json:"x-permission"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(doc, &parsed); err != nil {
		t.Fatal(err)
	}
	for path, ops := range want {
		for method, permission := range ops {
			if got := parsed.Paths[path][method].Permission; got != permission {
				t.Errorf("%s %s: permission %q, want %q", method, path, got, permission)
			}
		}
	}
}
