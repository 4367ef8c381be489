package auditlog_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/cloud/auditlog"
	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/requestmeta"
)

const exportPath = listPath + "/export"

var csvHeader = []string{"id", "at", "actor_type", "actor_id", "actor_label", "action", "resource_type",
	"resource_id", "summary", "changes", "ip", "user_agent", "request_id"}

// readCSV parses an export and returns its rows without the header.
func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v\n%s", err, body)
	}
	if len(records) == 0 || !slices.Equal(records[0], csvHeader) {
		t.Fatalf("header %v, want %v", records[:min(1, len(records))], csvHeader)
	}
	return records[1:]
}

// readJSON parses an export that must be one JSON array.
func readJSON(t *testing.T, body []byte) []auditlog.Entry {
	t.Helper()
	if !bytes.HasPrefix(body, []byte("[")) {
		t.Fatalf("not an array: %s", body)
	}
	var out []auditlog.Entry
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("the export is not a JSON array: %v\n%s", err, body)
	}
	return out
}

func download(ext string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		want := `attachment; filename="audit-` + time.Now().UTC().Format(time.DateOnly) + "." + ext + `"`
		if got := r.Header.Get("Content-Disposition"); got != want {
			t.Fatalf("Content-Disposition %q, want %q", got, want)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Fatal("an export may be cached")
		}
	}
}

func TestCSVExport(t *testing.T) {
	e := newEnv(t)
	acme := e.org(t, "acme")
	e.write(t, acme.ID, requestmeta.Meta{IP: "203.0.113.7", UserAgent: "@SUM(1+1)", RequestID: "-req"},
		audit.Record{Action: "test.formula", ResourceType: "+cmd", ResourceID: "-1+1", ActorLabel: "=1+2",
			Summary: `=HYPERLINK("http://evil.example","click, ""here""")`,
			Changes: map[string]audit.Change{"name": {Before: "old\nline", After: "=new"}}})

	r := e.Do(t, "GET", exportPath, nil, acme.Admin.Bearer())
	if r.Status != 200 {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	download("csv")(t, r)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("Content-Type %q", ct)
	}
	rows := readCSV(t, r.Body)

	listed := e.all(t, acme.Admin, nil) // now including the export's own record
	var exported []string
	for _, row := range rows {
		exported = append(exported, row[0])
	}
	var want []string
	for _, id := range ids(listed) {
		want = append(want, id.String())
	}
	if !slices.Equal(exported, want) {
		t.Fatalf("exported ids %v, want the listed %v", exported, want)
	}
	if rows[0][5] != "audit.export" || rows[0][3] != acme.AdminID.String() {
		t.Fatalf("the export's own record should come first: %v", rows[0])
	}

	var formula []string
	for _, row := range rows {
		if row[5] == "test.formula" {
			formula = row
		}
	}
	wantCells := map[string]string{
		"actor_label": "'=1+2", "resource_type": "'+cmd", "resource_id": "'-1+1",
		"summary": `'=HYPERLINK("http://evil.example","click, ""here""")`,
		"changes": `{"name":{"after":"=new","before":"old\nline"}}`,
		"ip":      "203.0.113.7", "user_agent": "'@SUM(1+1)", "request_id": "'-req", "actor_type": "system", "actor_id": "",
	}
	for i, name := range csvHeader {
		if want, ok := wantCells[name]; ok && formula[i] != want {
			t.Errorf("%s = %q, want %q", name, formula[i], want)
		}
	}
	if _, err := time.Parse(time.RFC3339Nano, formula[1]); err != nil {
		t.Errorf("at %q: %v", formula[1], err)
	}

	recorded := e.all(t, acme.Admin, url.Values{"action": {"audit.export"}})
	if len(recorded) != 1 || !sameActor(recorded[0].Actor, "user", acme.AdminID, acme.Email) ||
		recorded[0].Summary != "Audit log exported as CSV (no filters)" {
		t.Fatalf("export record %+v", recorded)
	}
}

func TestJSONExport(t *testing.T) {
	e := newEnv(t)
	acme := e.org(t, "acme")
	query := url.Values{"action": {"auth.*"}}
	r := e.Do(t, "GET", exportPath+"?format=json&"+query.Encode(), nil, acme.Admin.Bearer())
	if r.Status != 200 {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	download("json")(t, r)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
	exported := readJSON(t, r.Body)
	listed := e.all(t, acme.Admin, query)
	got, _ := json.Marshal(exported)
	want, _ := json.Marshal(listed)
	if len(exported) != 2 || !bytes.Equal(got, want) {
		t.Fatalf("exported %s\nlisted   %s", got, want)
	}
	recorded := e.all(t, acme.Admin, url.Values{"action": {"audit.export"}})
	if len(recorded) != 1 || recorded[0].Summary != "Audit log exported as JSON (action=auth.*)" {
		t.Fatalf("export record %+v", recorded)
	}
}

func TestExportOutcomes(t *testing.T) {
	e := newEnv(t, 3)
	acme := e.org(t, "acme")
	h := acme.Admin.Bearer()
	entries := e.all(t, acme.Admin, nil) // registration, licence, login
	beforeExports := url.Values{"to": {entries[0].At.Add(time.Microsecond).Format(time.RFC3339Nano)}}.Encode()

	apitest.Run(t, e.Server.App(), "empty", []apitest.Case{
		{Name: "CSV is the header alone", Method: "GET", Path: exportPath + "?action=nothing.here", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if rows := readCSV(t, r.Body); len(rows) != 0 {
					t.Fatalf("rows %v", rows)
				}
			}},
		{Name: "JSON is an empty array", Method: "GET", Path: exportPath + "?format=json&action=nothing.here", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if got := readJSON(t, r.Body); len(got) != 0 {
					t.Fatalf("entries %v", got)
				}
			}},
	})
	apitest.Run(t, e.Server.App(), "size cap", []apitest.Case{
		{Name: "exactly the cap", Method: "GET", Path: exportPath + "?format=json&" + beforeExports, Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if got := readJSON(t, r.Body); len(got) != 3 {
					t.Fatalf("%d entries, want 3", len(got))
				}
			}},
		{Name: "over the cap", Method: "GET", Path: exportPath, Headers: h, Status: 422, Code: "export_too_large", Check: invalidFields("from")},
	})
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "unknown format", Method: "GET", Path: exportPath + "?format=xml", Headers: h, Status: 422, Check: invalidFields("format")},
		{Name: "paging is not an export parameter", Method: "GET", Path: exportPath + "?limit=10", Headers: h, Status: 422, Check: invalidFields("limit")},
		{Name: "bad filters", Method: "GET", Path: exportPath + "?actor_id=1&from=then&format=pdf", Headers: h, Status: 422,
			Check: invalidFields("actor_id", "from", "format")},
	})
	if got := e.all(t, acme.Admin, url.Values{"action": {"audit.export"}}); len(got) != 3 {
		t.Fatalf("want the three exports that ran recorded, not the refused ones: %v", actions(got))
	}
}
