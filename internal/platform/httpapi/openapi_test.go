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

// upload is a multipart form: a file and a value.
type upload struct {
	File []byte `json:"file" doc:"the file"`
	Mode string `json:"mode,omitempty" enum:"fast slow"`
}

// TestOpenAPIMultipartRequest documents a route taking a multipart form:
// the form's fields inline, the []byte one as a file.
func TestOpenAPIMultipartRequest(t *testing.T) {
	s, _ := newTestServer(t)
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/uploads", Public: true, Summary: "Upload a file",
		Request: upload{}, Consumes: "multipart/form-data", Response: map[string]int{},
		Handler: func(c fiber.Ctx) error { return c.JSON(map[string]int{}) }})
	r := apitest.Do(t, s.App(), "GET", httpapi.OpenAPIPath, nil, nil)
	apitest.AssertValidOpenAPI(t, r.Body)
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Schema struct {
						Type       string                    `json:"type"`
						Required   []string                  `json:"required"`
						Properties map[string]map[string]any `json:"properties"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	content := doc.Paths["/uploads"]["post"].RequestBody.Content
	form, ok := content["multipart/form-data"]
	if !ok || len(content) != 1 {
		t.Fatalf("request media types = %v, want only multipart/form-data", content)
	}
	file := form.Schema.Properties["file"]
	if form.Schema.Type != "object" || file["type"] != "string" || file["contentMediaType"] != "application/octet-stream" ||
		file["description"] != "the file" {
		t.Fatalf("form schema = %+v", form.Schema)
	}
	if mode := form.Schema.Properties["mode"]; mode["type"] != "string" || len(mode["enum"].([]any)) != 2 {
		t.Fatalf("form value schema = %v", mode)
	}
	if strings.Join(form.Schema.Required, ",") != "file" {
		t.Fatalf("required = %v, want [file]", form.Schema.Required)
	}
	echo := doc.Paths["/echo"]["post"].RequestBody.Content
	if _, ok := echo["application/json"]; !ok {
		t.Fatalf("a JSON route lost its media type: %v", echo)
	}
}

// Problem has the name of httpapi.Problem, which every document holds.
type Problem struct {
	Reason string `json:"reason"`
}

// TestOpenAPISchemaNamesDoNotCollide: two packages' types of one name get
// one component each, the later one named with its package, and each
// operation refers to its own.
func TestOpenAPISchemaNamesDoNotCollide(t *testing.T) {
	body := documentWith(t, "/reasons", Problem{})
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Schema map[string]any `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	ref := doc.Paths["/reasons"]["get"].Responses["200"].Content["application/json"].Schema["$ref"]
	if ref != "#/components/schemas/httpapi_test_Problem" {
		t.Fatalf("GET /reasons refers to %q", ref)
	}
	if _, ok := doc.Components.Schemas["httpapi_test_Problem"].Properties["reason"]; !ok {
		t.Fatalf("the test's Problem schema = %v", doc.Components.Schemas["httpapi_test_Problem"])
	}
	if _, ok := doc.Components.Schemas["Problem"].Properties["status"]; !ok {
		t.Fatalf("httpapi.Problem lost its schema: %v", doc.Components.Schemas["Problem"])
	}
}

// choice has a nullable enum.
type choice struct {
	Mode *string `json:"mode" enum:"fast slow"`
}

// TestOpenAPINullableEnumListsNull: JSON Schema checks enum apart from
// type, so a pointer field's enum must list null for null to be valid.
func TestOpenAPINullableEnumListsNull(t *testing.T) {
	body := documentWith(t, "/choice", choice{})
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []any `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Components.Schemas["choice"].Properties["mode"].Enum; len(got) != 3 || got[2] != nil {
		t.Fatalf("enum = %v, want [fast slow null]", got)
	}
}

// documentWith is the test server's valid document once GET path answers
// response.
func documentWith(t *testing.T, path string, response any) []byte {
	t.Helper()
	s, _ := newTestServer(t)
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: path, Public: true, Summary: "A test route",
		Response: response, Handler: func(c fiber.Ctx) error { return c.JSON(response) }})
	r := apitest.Do(t, s.App(), "GET", httpapi.OpenAPIPath, nil, nil)
	apitest.AssertValidOpenAPI(t, r.Body)
	return r.Body
}
