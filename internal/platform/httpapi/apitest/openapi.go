package apitest

import (
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// AssertValidOpenAPI fails t unless doc is a valid OpenAPI 3.1 document,
// checked against the specification's schema by libopenapi-validator.
func AssertValidOpenAPI(t testing.TB, doc []byte) {
	t.Helper()
	parsed, err := libopenapi.NewDocument(doc)
	if err != nil {
		t.Fatalf("OpenAPI document does not parse: %v", err)
	}
	if v := parsed.GetVersion(); !strings.HasPrefix(v, "3.1") {
		t.Fatalf("OpenAPI version %q, want 3.1.x", v)
	}
	v, errs := validator.NewValidator(parsed)
	if len(errs) > 0 {
		t.Fatalf("OpenAPI document cannot be loaded: %v", errs)
	}
	ok, verrs := v.ValidateDocument()
	if !ok {
		var msgs []string
		for _, e := range verrs {
			msgs = append(msgs, e.Message+": "+e.Reason)
			for _, se := range e.SchemaValidationErrors {
				msgs = append(msgs, "  "+se.FieldPath+": "+se.Reason)
			}
		}
		t.Fatalf("OpenAPI document is invalid:\n%s", strings.Join(msgs, "\n"))
	}
}
