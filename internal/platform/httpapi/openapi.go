package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v3"
)

// OpenAPIPath is where every service serves its document.
const OpenAPIPath = "/api/v1/openapi.json"

// RegisterOpenAPI adds the route serving the OpenAPI 3.1 document built from
// the registry. The document is built on first request, after every route
// has been registered.
func (s *Server) RegisterOpenAPI(title string) {
	var once sync.Once
	var body []byte
	s.Handle(Route{
		Method: http.MethodGet, Path: OpenAPIPath, Public: true, Tags: []string{"meta"},
		Summary:  "This OpenAPI 3.1 document",
		Response: map[string]any{},
		Handler: func(c fiber.Ctx) error {
			once.Do(func() { body, _ = json.Marshal(s.OpenAPI(title)) })
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
			return c.Send(body)
		},
	})
}

var pathParam = regexp.MustCompile(`:([A-Za-z0-9_]+)\??`)

// OpenAPI builds the document for every registered route.
func (s *Server) OpenAPI(title string) map[string]any {
	schemas := newSchemaSet()
	problem := schemas.ref(Problem{})
	paths := map[string]map[string]any{}
	for _, r := range s.routes {
		path := pathParam.ReplaceAllString(r.Path, "{$1}")
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(r.Method)] = operation(r, schemas, problem)
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   title,
			"version": s.cfg.Version,
			"description": "Errors are RFC 9457 problem+json with a stable `code`. Lists are keyset pages " +
				"(`limit` up to 200, `cursor` from `next_cursor`). Another tenant's object answers 404.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas.defs,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
			},
		},
	}
	return doc
}

func operation(r Route, schemas *schemaSet, problem map[string]any) map[string]any {
	op := map[string]any{
		"operationId": operationID(r),
		"summary":     r.Summary,
	}
	if r.Description != "" {
		op["description"] = r.Description
	}
	if len(r.Tags) > 0 {
		op["tags"] = r.Tags
	}
	if r.Public {
		op["security"] = []any{}
	} else {
		op["security"] = []any{map[string]any{"bearer": []string{}}}
		op["x-permission"] = r.Permission
	}
	if r.Feature != "" {
		op["x-feature"] = r.Feature
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	params = append(params, queryParams(r.Query, schemas)...)
	if r.Idempotent {
		params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "schema": map[string]any{"type": "string"},
			"description": "retrying with the same key returns the first answer (24 hours)"})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if r.Request != nil {
		media, schema := r.Consumes, map[string]any(nil)
		switch {
		case media == "":
			media = "application/json"
		case strings.HasPrefix(media, "multipart/"):
			schema = formSchema(r.Request, schemas)
		}
		if schema == nil {
			schema = schemas.ref(r.Request)
		}
		op["requestBody"] = map[string]any{
			"required": true,
			"content":  map[string]any{media: map[string]any{"schema": schema}},
		}
	}
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	success := map[string]any{"description": http.StatusText(status)}
	if r.Response != nil {
		media := r.Produces
		if media == "" {
			media = "application/json"
		}
		success["content"] = map[string]any{media: map[string]any{"schema": schemas.ref(r.Response)}}
	}
	op["responses"] = map[string]any{
		strconv.Itoa(status): success,
		"default": map[string]any{
			"description": "Problem details (RFC 9457)",
			"content":     map[string]any{ProblemContentType: map[string]any{"schema": problem}},
		},
	}
	return op
}

func operationID(r Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(r.Method))
	for _, part := range strings.FieldsFunc(r.Path, func(c rune) bool { return c == '/' || c == '.' || c == '-' || c == '_' }) {
		if part == "api" || part == "v1" {
			continue
		}
		part = strings.TrimSuffix(strings.TrimPrefix(part, ":"), "?")
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func queryParams(q any, schemas *schemaSet) []any {
	if q == nil {
		return nil
	}
	var params []any
	for _, f := range structFields(q, "query") {
		p := map[string]any{"name": f.name, "in": "query", "schema": schemas.schemaOf(f.typ)}
		if f.doc != "" {
			p["description"] = f.doc
		}
		params = append(params, p)
	}
	sort.Slice(params, func(i, j int) bool {
		return params[i].(map[string]any)["name"].(string) < params[j].(map[string]any)["name"].(string)
	})
	return params
}

// formSchema documents a multipart form by the json fields of v: a []byte
// field is a file (OpenAPI 3.1: contentMediaType instead of base64), any
// other field a form value of its type.
func formSchema(v any, schemas *schemaSet) map[string]any {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return schemas.ref(v)
	}
	out := schemas.structSchema(t)
	props := out["properties"].(map[string]any)
	for _, f := range structFields(v, "json") {
		if f.typ.Kind() == reflect.Slice && f.typ.Elem().Kind() == reflect.Uint8 {
			file := map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}
			if f.doc != "" {
				file["description"] = f.doc
			}
			props[f.name] = file
		}
	}
	return out
}
