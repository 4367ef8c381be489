package apitest_test

import (
	"testing"

	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// fakeT records a failure instead of failing.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Fatalf(string, ...any) { f.failed = true; panic(f) }

func assertRejected(t *testing.T, name, doc string) {
	t.Helper()
	ft := &fakeT{TB: t}
	func() {
		defer func() { _ = recover() }()
		apitest.AssertValidOpenAPI(ft, []byte(doc))
	}()
	if !ft.failed {
		t.Errorf("%s: an invalid document was accepted", name)
	}
}

func TestValidatorRejectsInvalidDocuments(t *testing.T) {
	apitest.AssertValidOpenAPI(t, []byte(`{"openapi":"3.1.0","info":{"title":"ok","version":"1"},"paths":{}}`))
	assertRejected(t, "missing title", `{"openapi":"3.1.0","info":{"version":"1"},"paths":{}}`)
	assertRejected(t, "wrong version", `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}`)
	assertRejected(t, "bad response", `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/x":{"get":{"responses":{"200":{"content":"nope"}}}}}}`)
}
