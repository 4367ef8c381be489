package cloudtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

var uuidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// CrossTenantSweep walks every route of the API's OpenAPI document as tenant
// A while naming tenant B's objects, and lists every answer that leaks:
//   - a route with path parameters, called with B's ids, must answer 404;
//   - a list route must not mention any of B's ids.
//
// B's ids are collected from what B itself can list, so a new module's
// routes are covered as soon as they are in the document.
func CrossTenantSweep(t *testing.T, e *Env, a, b Session) []string {
	t.Helper()
	doc := e.Server.OpenAPI("sweep")
	paths := doc["paths"].(map[string]map[string]any)
	var keys []string
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)

	ids := collectIDs(t, e, keys, paths, b)
	if len(ids) == 0 {
		t.Fatal("tenant B has no visible ids to sweep with")
	}
	var leaks []string
	calls := 0
	defer func() { t.Logf("cross-tenant sweep: %d calls with %d of tenant B's ids", calls, len(ids)) }()
	for _, path := range keys {
		for method, raw := range paths[path] {
			op := raw.(map[string]any)
			if op["x-permission"] == nil { // public routes name no tenant objects
				continue
			}
			params := pathParam.FindAllString(path, -1)
			upper := strings.ToUpper(method)
			if len(params) == 0 {
				if upper != http.MethodGet {
					continue
				}
				r := e.Do(t, upper, path, nil, a.Bearer())
				calls++
				for _, id := range ids {
					if strings.Contains(string(r.Body), id) {
						leaks = append(leaks, fmt.Sprintf("%s %s shows tenant B's id %s", upper, path, id))
					}
				}
				continue
			}
			var body any
			if rb, ok := op["requestBody"].(map[string]any); ok {
				body = sampleBody(doc, rb)
			}
			for _, id := range ids {
				url := pathParam.ReplaceAllString(path, id)
				r := e.Do(t, upper, url, body, a.Bearer())
				calls++
				if r.Status != http.StatusNotFound {
					leaks = append(leaks, fmt.Sprintf("%s %s with tenant B's id answered %d, want 404: %s", upper, url, r.Status, truncate(r.Body)))
				}
			}
		}
	}
	return leaks
}

// collectIDs gathers every UUID tenant B sees on its list routes and /me.
func collectIDs(t *testing.T, e *Env, keys []string, paths map[string]map[string]any, b Session) []string {
	t.Helper()
	seen := map[string]bool{}
	for _, path := range keys {
		if _, ok := paths[path]["get"]; !ok || strings.Contains(path, "{") || path == httpapi.OpenAPIPath {
			continue
		}
		r := e.Do(t, http.MethodGet, path, nil, b.Bearer())
		if r.Status != http.StatusOK || !json.Valid(r.Body) {
			continue
		}
		for _, id := range uuidPattern.FindAllString(string(r.Body), -1) {
			seen[id] = true
		}
	}
	var ids []string
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// sampleBody fills a JSON request body's required fields with plausible
// values, so that validation passes and the route reaches its lookup.
// Other media types (multipart uploads) get no body: the lookup of another
// tenant's id must answer 404 before the body matters.
func sampleBody(doc map[string]any, requestBody map[string]any) any {
	media, ok := requestBody["content"].(map[string]any)["application/json"].(map[string]any)
	if !ok {
		return nil
	}
	return sample(doc, media["schema"].(map[string]any), 0)
}

func sample(doc map[string]any, schema map[string]any, depth int) any {
	if ref, ok := schema["$ref"].(string); ok && depth < 5 {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
		return sample(doc, schemas[name].(map[string]any), depth+1)
	}
	typ := schema["type"]
	if types, ok := typ.([]string); ok && len(types) > 0 {
		typ = types[0]
	}
	switch typ {
	case "object":
		out := map[string]any{}
		props, _ := schema["properties"].(map[string]any)
		required, _ := schema["required"].([]string)
		for _, name := range required {
			if p, ok := props[name].(map[string]any); ok {
				out[name] = sample(doc, p, depth+1)
			}
		}
		return out
	case "array":
		return []any{}
	case "integer", "number":
		return 1
	case "boolean":
		return false
	case "string":
		switch schema["format"] {
		case "uuid":
			return "00000000-0000-4000-8000-000000000000"
		case "date-time":
			return "2026-01-01T00:00:00Z"
		}
		if enum, ok := schema["enum"].([]any); ok && len(enum) > 0 {
			return enum[0]
		}
		return "sweep"
	}
	return nil
}

func truncate(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
