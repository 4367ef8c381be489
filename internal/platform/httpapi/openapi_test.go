package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

func TestOpenAPIDocument(t *testing.T) {
	s, _ := newTestServer(t)
	if missing := httpapi.Undocumented(s); len(missing) > 0 {
		t.Fatalf("routes missing from the OpenAPI document: %v", missing)
	}
	r := apitest.Do(t, s.App(), "GET", httpapi.OpenAPIPath, nil, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("status %d", r.Status)
	}
	apitest.AssertValidOpenAPI(t, r.Body)

	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
			RequestBody map[string]any `json:"requestBody"`
			Responses   map[string]any `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	echo := doc.Paths["/echo"]["post"]
	if echo.RequestBody == nil || echo.Responses["201"] == nil || echo.Responses["default"] == nil {
		t.Fatalf("POST /echo is incompletely documented: %+v", echo)
	}
	if _, ok := doc.Components.Schemas["widget"]; !ok {
		t.Fatalf("request schema not collected: %v", doc.Components.Schemas)
	}
	var params []string
	for _, p := range doc.Paths["/items"]["get"].Parameters {
		params = append(params, p.In+":"+p.Name)
	}
	if strings.Join(params, ",") != "query:cursor,query:limit" {
		t.Fatalf("GET /items parameters = %v", params)
	}
	if _, ok := doc.Components.Schemas["Page_item"]; !ok {
		t.Fatalf("generic page schema not named: %v", doc.Components.Schemas)
	}
}

// TestCoverageGuardFails proves the coverage check notices a route that
// bypassed the registry.
func TestCoverageGuardFails(t *testing.T) {
	s, _ := newTestServer(t)
	s.App().Get("/rogue/:id", func(c fiber.Ctx) error { return nil })
	missing := httpapi.Undocumented(s)
	if len(missing) != 1 || missing[0] != "GET /rogue/:id" {
		t.Fatalf("Undocumented = %v, want [GET /rogue/:id]", missing)
	}
}
