package apicontract_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/monozu/monozu/internal/apicontract"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// TestCommittedDocumentsAreCurrent is the contract guard: the web apps'
// TypeScript types are generated from web/api/openapi/*.json, so a Go DTO
// changed without refreshing those files fails here (and after the refresh,
// the SPA's typecheck fails where it no longer fits).
func TestCommittedDocumentsAreCurrent(t *testing.T) {
	for _, name := range apicontract.Services {
		t.Run(name, func(t *testing.T) {
			want, err := apicontract.Document(name)
			if err != nil {
				t.Fatal(err)
			}
			apitest.AssertValidOpenAPI(t, want)
			file := filepath.Join(apicontract.Dir, name+".json")
			got, err := os.ReadFile(filepath.Join("..", "..", file))
			if err != nil {
				t.Fatalf("%v: run `%s` from the repository root", err, apicontract.RefreshCommand)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s is not what the Go code documents now (changed: %v).\n"+
					"Run `%s` from the repository root and commit the result; the web apps' typecheck then shows what must follow.",
					file, changed(got, want), apicontract.RefreshCommand)
			}
		})
	}
}

// changed names the paths and schemas that differ, for the message.
func changed(got, want []byte) []string {
	var a, b struct {
		Paths      map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if json.Unmarshal(got, &a) != nil || json.Unmarshal(want, &b) != nil {
		return []string{"the whole file"}
	}
	var out []string
	diff := func(prefix string, x, y map[string]any) {
		for k := range union(x, y) {
			if !reflect.DeepEqual(x[k], y[k]) {
				out = append(out, prefix+k)
			}
		}
	}
	diff("path ", a.Paths, b.Paths)
	diff("schema ", a.Components.Schemas, b.Components.Schemas)
	sort.Strings(out)
	if len(out) == 0 {
		return []string{"formatting or info"}
	}
	return out
}

func union(x, y map[string]any) map[string]bool {
	keys := map[string]bool{}
	for k := range x {
		keys[k] = true
	}
	for k := range y {
		keys[k] = true
	}
	return keys
}

func TestUnknownService(t *testing.T) {
	if _, err := apicontract.Document("nope"); err == nil {
		t.Fatal("no error for an unknown service")
	}
}
