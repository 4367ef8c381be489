package httpapi

import (
	"encoding/json"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// schemaSet turns Go types into JSON Schema (2020-12, as OpenAPI 3.1 uses),
// collecting named structs under components/schemas.
type schemaSet struct {
	defs  map[string]any
	names map[reflect.Type]string // the component name of each struct type
	taken map[string]reflect.Type
}

func newSchemaSet() *schemaSet {
	return &schemaSet{defs: map[string]any{}, names: map[reflect.Type]string{}, taken: map[string]reflect.Type{}}
}

// ref returns the schema of v's type, by reference when it is a named struct.
func (s *schemaSet) ref(v any) map[string]any { return s.schemaOf(reflect.TypeOf(v)) }

var (
	timeType    = reflect.TypeFor[time.Time]()
	uuidType    = reflect.TypeFor[uuid.UUID]()
	rawJSONType = reflect.TypeFor[json.RawMessage]()
	genericArgs = regexp.MustCompile(`[^\[\],]*\.`)
	importPaths = regexp.MustCompile(`[^\[\],]*/`)
	nonWord     = regexp.MustCompile(`[^A-Za-z0-9]+`)
)

func (s *schemaSet) schemaOf(t reflect.Type) map[string]any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case uuidType:
		return map[string]any{"type": "string", "format": "uuid"}
	case rawJSONType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		inner := s.schemaOf(t.Elem())
		if typ, ok := inner["type"].(string); ok {
			out := copyMap(inner)
			out["type"] = []string{typ, "null"}
			return out
		}
		return map[string]any{"anyOf": []any{inner, map[string]any{"type": "null"}}}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": s.schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": s.schemaOf(t.Elem())}
	case reflect.Struct:
		return s.structRef(t)
	}
	return map[string]any{}
}

func (s *schemaSet) structRef(t reflect.Type) map[string]any {
	name, seen := s.names[t]
	if !seen {
		name = schemaName(t)
		if name == "" {
			return s.structSchema(t)
		}
		if _, taken := s.taken[name]; taken {
			// Another package's type of the same name came first.
			name = qualifiedName(t)
			if other, taken := s.taken[name]; taken {
				panic("httpapi: schema names " + t.String() + " and " + other.String() + " collide as " + name)
			}
		}
		s.names[t], s.taken[name] = name, t
		s.defs[name] = map[string]any{} // placeholder: recursive types terminate
		s.defs[name] = s.structSchema(t)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func (s *schemaSet) structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for _, f := range structFields(reflect.New(t).Elem().Interface(), "json") {
		schema := s.schemaOf(f.typ)
		if f.doc != "" || len(f.enum) > 0 {
			schema = copyMap(schema)
			if f.doc != "" {
				schema["description"] = f.doc
			}
			if len(f.enum) > 0 {
				schema["enum"] = enumOf(f, schema)
			}
		}
		props[f.name] = schema
		if !f.optional {
			required = append(required, f.name)
		}
	}
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

// schemaName is the Go type name made safe for a component key:
// Page[github.com/x/cmdb.Site] becomes Page_Site.
func schemaName(t reflect.Type) string {
	name := genericArgs.ReplaceAllString(t.Name(), "")
	return strings.Trim(nonWord.ReplaceAllString(name, "_"), "_")
}

// qualifiedName is schemaName with the package names kept, for a type
// whose short name another package's type has: edge.Registration becomes
// edge_Registration.
func qualifiedName(t reflect.Type) string {
	name := path.Base(t.PkgPath()) + "." + importPaths.ReplaceAllString(t.Name(), "")
	return strings.Trim(nonWord.ReplaceAllString(name, "_"), "_")
}

type fieldInfo struct {
	name     string
	typ      reflect.Type
	optional bool
	doc      string
	enum     []string
}

// structFields lists the exported fields of v's struct type under tag
// (json or query), flattening embedded structs. Field tags `doc` and `enum`
// (space-separated) enrich the schema.
func structFields(v any, tag string) []fieldInfo {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []fieldInfo
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get(tag), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, structFields(reflect.New(f.Type).Elem().Interface(), tag)...)
			continue
		}
		if name == "" {
			if tag == "query" {
				continue
			}
			name = f.Name
		}
		info := fieldInfo{
			name: name, typ: f.Type, doc: f.Tag.Get("doc"),
			optional: tag == "query" || strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero"),
		}
		if e := f.Tag.Get("enum"); e != "" {
			info.enum = strings.Fields(e)
		}
		out = append(out, info)
	}
	return out
}

// enumOf is the field's enum, with null when the field is a pointer (JSON
// Schema checks enum apart from type: a nullable enum must list null).
func enumOf(f fieldInfo, schema map[string]any) []any {
	out := make([]any, 0, len(f.enum)+1)
	for _, v := range f.enum {
		out = append(out, v)
	}
	if types, ok := schema["type"].([]string); ok && slices.Contains(types, "null") {
		out = append(out, nil)
	}
	return out
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
