package cmdb_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/jobs"
)

const (
	importURL  = "/api/v1/assets/import"
	importsURL = "/api/v1/imports"
)

// importWorld is a tenant with a site holding zones, VLANs and assets,
// a second site, a VLAN without a zone and a vendor, made through the API.
type importWorld struct {
	e                  *cloudtest.Env
	tenant             uuid.UUID
	admin              cloudtest.Session
	plant, other       cmdb.Site
	control, shared    cmdb.Zone
	vlan10, vlan20     cmdb.VLAN
	vlanShared, otherV cmdb.VLAN
	siemens            cmdb.Vendor
	plc, hmi           cmdb.Asset
	midway             bool // the last wait saw an import part-way
}

func importPost[T any](t *testing.T, w *importWorld, path string, body any) T {
	t.Helper()
	r := w.e.Do(t, "POST", path, body, w.admin.Bearer())
	if r.Status != http.StatusCreated {
		t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
	}
	var out T
	r.JSON(t, &out)
	return out
}

func newImportWorld(t *testing.T, e *cloudtest.Env, account string) *importWorld {
	t.Helper()
	w := &importWorld{e: e}
	w.tenant, w.admin = e.ActiveTenant(t, account)
	w.plant = importPost[cmdb.Site](t, w, "/api/v1/sites", map[string]any{"name": "Plant A"})
	w.other = importPost[cmdb.Site](t, w, "/api/v1/sites", map[string]any{"name": "Plant/B; north"})
	w.control = importPost[cmdb.Zone](t, w, "/api/v1/zones", map[string]any{"name": "Control", "site_id": w.plant.ID, "purdue_level": "2"})
	otherControl := importPost[cmdb.Zone](t, w, "/api/v1/zones", map[string]any{"name": "Control", "site_id": w.other.ID, "purdue_level": "2"})
	w.shared = importPost[cmdb.Zone](t, w, "/api/v1/zones", map[string]any{"name": "Shared DMZ", "purdue_level": "3.5"})
	w.vlan10 = importPost[cmdb.VLAN](t, w, "/api/v1/vlans", map[string]any{"number": 10, "zone_id": w.control.ID})
	w.vlan20 = importPost[cmdb.VLAN](t, w, "/api/v1/vlans", map[string]any{"number": 20})
	w.vlanShared = importPost[cmdb.VLAN](t, w, "/api/v1/vlans", map[string]any{"number": 30, "zone_id": w.shared.ID})
	w.otherV = importPost[cmdb.VLAN](t, w, "/api/v1/vlans", map[string]any{"number": 10, "zone_id": otherControl.ID})
	w.siemens = importPost[cmdb.Vendor](t, w, "/api/v1/vendors", map[string]any{"name": "Siemens"})
	w.plc = importPost[cmdb.Asset](t, w, "/api/v1/assets", map[string]any{
		"name": "PLC-1", "category": "ot", "type": "plc", "site_id": w.plant.ID,
		"vlan_ids": []uuid.UUID{w.vlan10.ID, w.vlan20.ID, w.vlanShared.ID}, "ip_addresses": []string{"10.0.10.5", "fd00::5"},
		"mac_addresses": []string{"00:1b:1b:00:00:01"}, "hostname": "plc-1.plant.example", "vendor_id": w.siemens.ID,
		"model": "S7-1500", "serial_number": "S C-X4U12345", "firmware_version": "V2.9.4",
		"cpe": []string{"cpe:2.3:o:siemens:simatic_s7-1500_firmware:2.9.4:*:*:*:*:*:*:*"}, "criticality": "critical",
		"lifecycle": "active", "owner": "OT team", "location_detail": "Cabinet 3, \"left\"", "tags": []string{"line-1", "safety"},
		"notes": "=SUM(A1:A2) is not a formula\nsecond line"})
	w.hmi = importPost[cmdb.Asset](t, w, "/api/v1/assets", map[string]any{
		"name": "HMI, north", "category": "ot", "type": "hmi", "site_id": w.other.ID, "vlan_ids": []uuid.UUID{w.otherV.ID},
		"criticality": "low", "lifecycle": "planned", "notes": "-5 dB"})
	return w
}

// upload posts a file as multipart/form-data; dryRun "" leaves the
// field out.
func (w *importWorld) upload(t *testing.T, s cloudtest.Session, query, dryRun string, file []byte) *apitest.Response {
	t.Helper()
	body, contentType := importForm(t, dryRun, file)
	h := s.Bearer()
	h["Content-Type"] = contentType
	return w.e.Do(t, "POST", importURL+query, body, h)
}

func importForm(t *testing.T, dryRun string, file []byte) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if dryRun != "" {
		if err := mw.WriteField("dry_run", dryRun); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", "assets.csv")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(file)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), mw.FormDataContentType()
}

func (w *importWorld) dryRun(t *testing.T, file []byte) cmdb.ImportReport {
	t.Helper()
	r := w.upload(t, w.admin, "", "", file)
	if r.Status != http.StatusOK {
		t.Fatalf("dry run: %d %s", r.Status, r.Body)
	}
	var out cmdb.ImportReport
	r.JSON(t, &out)
	return out
}

// run imports file for real and waits for the job to finish.
func (w *importWorld) run(t *testing.T, file []byte) cmdb.AssetImport {
	t.Helper()
	r := w.upload(t, w.admin, "?dry_run=false", "", file)
	if r.Status != http.StatusAccepted {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	var started cmdb.ImportStarted
	r.JSON(t, &started)
	if loc := r.Header.Get("Location"); loc != importsURL+"/"+started.ImportID.String() {
		t.Fatalf("Location = %q", loc)
	}
	return w.wait(t, started.ImportID, 2*time.Minute)
}

func (w *importWorld) wait(t *testing.T, id uuid.UUID, within time.Duration) cmdb.AssetImport {
	t.Helper()
	deadline := time.Now().Add(within)
	w.midway = false
	for {
		r := w.e.Do(t, "GET", importsURL+"/"+id.String(), nil, w.admin.Bearer())
		if r.Status != http.StatusOK {
			t.Fatalf("GET import: %d %s", r.Status, r.Body)
		}
		var imp cmdb.AssetImport
		r.JSON(t, &imp)
		if imp.Status == "succeeded" || imp.Status == "failed" {
			return imp
		}
		if imp.Status == "running" && imp.RowsDone > 0 && imp.RowsDone < imp.TotalRows {
			w.midway = true
		}
		if time.Now().After(deadline) {
			t.Fatalf("import still %s after %s: %s", imp.Status, within, r.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (w *importWorld) export(t *testing.T) []byte {
	t.Helper()
	r := w.e.Do(t, "GET", "/api/v1/assets/export?format=csv", nil, w.admin.Bearer())
	if r.Status != http.StatusOK {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	return r.Body
}

func (w *importWorld) db(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", w.e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func (w *importWorld) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := w.db(t).QueryRow(query, append([]any{w.tenant}, args...)...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (w *importWorld) assets(t *testing.T) int {
	t.Helper()
	return w.count(t, `SELECT count(*) FROM assets WHERE tenant_id = $1`)
}

func (w *importWorld) asset(t *testing.T, id uuid.UUID) cmdb.Asset {
	t.Helper()
	r := w.e.Do(t, "GET", "/api/v1/assets/"+id.String(), nil, w.admin.Bearer())
	if r.Status != http.StatusOK {
		t.Fatalf("asset: %d %s", r.Status, r.Body)
	}
	var a cmdb.Asset
	r.JSON(t, &a)
	return a
}

func importErrorList(list []cmdb.ImportError) string {
	var out []string
	for _, e := range list {
		out = append(out, fmt.Sprintf("%d/%s/%s", e.Row, e.Column, e.Code))
	}
	return strings.Join(out, " ")
}

// TestImportRoundTrip is the acceptance journey: an export imports back
// as it is, changing nothing.
func TestImportRoundTrip(t *testing.T) {
	e := cloudtest.New(t)
	w := newImportWorld(t, e, "roundtrip")
	file := w.export(t)
	if !bytes.Contains(file, []byte(`Plant\/B\; north/Control/10`)) || !bytes.Contains(file, []byte("'=SUM")) {
		t.Fatalf("the export does not escape as expected:\n%s", file)
	}
	report := w.dryRun(t, file)
	if report.ErrorCount != 0 || report.TotalRows != 2 || report.Unchanged != 2 || report.WouldCreate != 0 || report.WouldUpdate != 0 {
		t.Fatalf("dry run of an export = %+v", report)
	}
	imp := w.run(t, file)
	if imp.Status != "succeeded" || imp.Created != 0 || imp.Updated != 0 || imp.RowsDone != 2 || imp.TotalRows != 2 {
		t.Fatalf("import of an export = %+v", imp)
	}
	if got := w.asset(t, w.plc.ID); got.Version != w.plc.Version || got.Notes != w.plc.Notes {
		t.Fatalf("an unchanged asset was written: %+v", got)
	}

	// Edited in a spreadsheet: one cell changed, one asset added.
	edited := strings.Replace(string(file), ",critical,", ",high,", 1) + ",PLC-2,ot,plc,Plant A,Plant A/Control/10,,,,,,,,,,,,,,,,import,,\n"
	report = w.dryRun(t, []byte(edited))
	if report.ErrorCount != 0 || report.WouldUpdate != 1 || report.WouldCreate != 1 || report.Unchanged != 1 {
		t.Fatalf("dry run of an edited export = %+v", report)
	}
}

// TestImportBadRows: a file with exactly three bad rows is reported row
// by row, by the dry run and by the import, and nothing is written.
func TestImportBadRows(t *testing.T) {
	e := cloudtest.New(t)
	w := newImportWorld(t, e, "badrows")
	file := []byte("name,category,type,site,vlans,ip_addresses\n" +
		"good-1,it,server,Plant A,Plant A/Control/10,10.0.0.1\n" + // 2
		"bad-site,it,server,Atlantis,,\n" + // 3
		"good-2,it,server,plant a,,\n" + // 4
		`bad-vlan,ot,plc,Plant A,Plant\/B\; north/Control/10,` + "\n" + // 5
		"bad-ip,it,server,Plant A,,10.0.0.256\n" + // 6
		"good-3,ot,hmi,Plant A,//20,fd00::1\n") // 7
	want := "3/site/unknown 5/vlans/other_site 6/ip_addresses/invalid"
	before := w.assets(t)
	report := w.dryRun(t, file)
	if got := importErrorList(report.Errors); got != want || report.ErrorCount != 3 || report.TotalRows != 6 || report.WouldCreate != 3 {
		t.Fatalf("dry run = %s %+v", got, report)
	}
	imp := w.run(t, file)
	if got := importErrorList(imp.Errors); imp.Status != "failed" || got != want || imp.Created != 0 || imp.ErrorCount != 3 {
		t.Fatalf("import = %s %+v", got, imp)
	}
	if !strings.Contains(imp.Message, "Nothing was imported") || !strings.Contains(imp.Message, "3 rows") {
		t.Fatalf("message = %q", imp.Message)
	}
	if after := w.assets(t); after != before {
		t.Fatalf("%d assets before, %d after a failed import", before, after)
	}
	if n := w.count(t, `SELECT count(*) FROM asset_imports WHERE tenant_id = $1 AND content IS NOT NULL`); n != 0 {
		t.Fatalf("%d finished imports still hold their file", n)
	}
}

// TestImportApplies: a clean file creates and updates (by id and by
// site + name), with an audit record per asset and one per file.
func TestImportApplies(t *testing.T) {
	e := cloudtest.New(t)
	w := newImportWorld(t, e, "applies")
	file := []byte("id,site,name,category,type,criticality,tags,vendor,notes\n" +
		w.plc.ID.String() + ",Plant A,PLC-1 renamed,,,low,,,\n" + // by id: renamed, notes emptied
		",Plant/B; north,\"hmi, NORTH\",ot,hmi,high,,siemens,\n" + // by site + name, any case
		",Plant A,Drive-7,ot,drive,,a;b,,new\n" +
		",Plant A,Switch-1,it,switch,,,,\n")
	imp := w.run(t, file)
	if imp.Status != "succeeded" || imp.Created != 2 || imp.Updated != 2 || imp.RowsDone != 4 || imp.TotalRows != 4 ||
		imp.StartedAt == nil || imp.FinishedAt == nil || imp.CreatedBy == nil || len(imp.Errors) != 0 {
		t.Fatalf("import = %+v", imp)
	}
	plc := w.asset(t, w.plc.ID)
	if plc.Name != "PLC-1 renamed" || plc.Criticality != "low" || plc.Notes != "" || plc.Model != "S7-1500" ||
		len(plc.VLANIDs) != 3 || plc.Source != "manual" || plc.Version != w.plc.Version+1 || len(plc.Tags) != 0 {
		t.Fatalf("updated by id: %+v", plc)
	}
	hmi := w.asset(t, w.hmi.ID)
	if hmi.Criticality != "high" || hmi.VendorName != "Siemens" || hmi.Name != "hmi, NORTH" || hmi.Lifecycle != "planned" {
		t.Fatalf("updated by site + name: %+v", hmi)
	}
	r := e.Do(t, "GET", "/api/v1/assets?q=drive-7", nil, w.admin.Bearer())
	var page struct{ Items []cmdb.Asset }
	r.JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].Source != "import" || strings.Join(page.Items[0].Tags, ",") != "a,b" ||
		page.Items[0].Criticality != "medium" || page.Items[0].Lifecycle != "active" {
		t.Fatalf("created: %s", r.Body)
	}
	created := page.Items[0].ID
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action IN ('assets.create', 'assets.update')
		AND resource_type = 'asset' AND summary LIKE '%by import%' AND actor_type = 'user'`); n != 4 {
		t.Fatalf("%d asset audit records, want 4", n)
	}
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = 'assets.import' AND resource_id = $2`,
		imp.ID.String()); n != 1 {
		t.Fatalf("%d file audit records, want 1", n)
	}
	r = e.Do(t, "GET", "/api/v1/assets/"+created.String()+"/timeline", nil, w.admin.Bearer())
	if r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte("assets.create")) || !bytes.Contains(r.Body, []byte("created by import")) {
		t.Fatalf("timeline: %d %s", r.Status, r.Body)
	}

	// The list shows it, newest first, in keyset pages.
	second := w.run(t, []byte("name,category,type,site\nPLC-3,ot,plc,Plant A\n"))
	r = e.Do(t, "GET", importsURL+"?limit=1", nil, w.admin.Bearer())
	var list struct {
		Items      []cmdb.AssetImportSummary `json:"items"`
		NextCursor *string                   `json:"next_cursor"`
	}
	r.JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != second.ID || list.NextCursor == nil {
		t.Fatalf("first page: %s", r.Body)
	}
	r = e.Do(t, "GET", importsURL+"?limit=1&cursor="+*list.NextCursor, nil, w.admin.Bearer())
	list.Items, list.NextCursor = nil, nil
	r.JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != imp.ID || list.Items[0].Created != 2 || list.NextCursor != nil {
		t.Fatalf("second page: %s", r.Body)
	}
}

// TestImportLicenceLimit: max_assets counts the assets a file creates.
func TestImportLicenceLimit(t *testing.T) {
	e := cloudtest.New(t)
	w := newImportWorld(t, e, "licence")
	ctx := auth.WithPrincipal(context.Background(), auth.System(w.tenant))
	if err := e.Services.Licensing.Apply(ctx, licensing.License{Plan: "small", Limits: map[string]int{"max_assets": 3},
		StartsAt: time.Now().Add(-time.Hour)}, "test"); err != nil {
		t.Fatal(err)
	}
	file := []byte("name,category,type,site\nA,it,server,Plant A\nB,it,server,Plant A\n")
	report := w.dryRun(t, file)
	if got := importErrorList(report.Errors); got != "0//licence_limit" || report.WouldCreate != 2 {
		t.Fatalf("dry run = %+v", report)
	}
	imp := w.run(t, file)
	if imp.Status != "failed" || !strings.Contains(imp.Message, "licence allows 3 assets") {
		t.Fatalf("import = %+v", imp)
	}
	if n := w.assets(t); n != 2 {
		t.Fatalf("%d assets after a refused import", n)
	}
	if imp := w.run(t, file[:strings.Index(string(file), "B,")]); imp.Status != "succeeded" || imp.Created != 1 {
		t.Fatalf("an import within the licence: %+v", imp)
	}
}

// importUserWith signs in a user of a group holding exactly perms.
func importUserWith(t *testing.T, w *importWorld, email string, perms ...string) cloudtest.Session {
	t.Helper()
	hash, err := auth.NewPasswords(cloudtest.PasswordCost).Hash(cloudtest.Password)
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.db(t).Exec(`WITH g AS (INSERT INTO groups (tenant_id, name, permissions) VALUES ($1, $2, string_to_array($3, ',')) RETURNING id),
			u AS (INSERT INTO users (tenant_id, email, display_name, status, password_hash) VALUES ($1, $2, $2, 'active', $4) RETURNING id)
		INSERT INTO group_members (tenant_id, group_id, user_id) SELECT $1, g.id, u.id FROM g, u`,
		w.tenant, email, strings.Join(perms, ","), hash)
	if err != nil {
		t.Fatal(err)
	}
	return w.e.Login(t, email)
}

func TestImportAPI(t *testing.T) {
	e := cloudtest.New(t)
	w := newImportWorld(t, e, "importapi")
	b := newImportWorld(t, e, "importapi-b")
	ro := e.UserInGroup(t, w.tenant, "ro@importapi.example.com", "read_only")
	clerk := importUserWith(t, w, "clerk@importapi.example.com", "assets.read", "assets.create")
	foreign := b.run(t, []byte("name,category,type,site\nX,it,server,Plant A\n"))

	valid := []byte("name,category,type,site\nNew,it,server,Plant A\n")
	form := func(dryRun string, file []byte) map[string]any {
		body, ct := importForm(t, dryRun, file)
		return map[string]any{"body": body, "ct": ct}
	}
	post := func(name, query string, f map[string]any, s cloudtest.Session, status int, code string, check func(*testing.T, *apitest.Response)) apitest.Case {
		h := s.Bearer()
		h["Content-Type"] = f["ct"].(string)
		return apitest.Case{Name: name, Method: "POST", Path: importURL + query, Body: f["body"], Headers: h, Status: status, Code: code, Check: check}
	}
	field := func(code, words string) func(*testing.T, *apitest.Response) {
		return func(t *testing.T, r *apitest.Response) {
			p := r.Problem(t)
			if len(p.Errors) == 0 || p.Errors[0].Code != code || !strings.Contains(string(r.Body), words) {
				t.Fatalf("problem %s, want field code %s mentioning %q", r.Body, code, words)
			}
		}
	}
	many := strings.Builder{}
	many.WriteString("name,category,type,site\n")
	for i := range 50_001 {
		fmt.Fprintf(&many, "a%d,it,server,Plant A\n", i)
	}
	huge := append([]byte("name,category,type,site,notes\n"), bytes.Repeat([]byte("x"), 20<<20)...)
	hugeBody := append([]byte("name,category,type,site,notes\n"), bytes.Repeat([]byte("x"), 21<<20)...)

	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "template", Method: "GET", Path: importURL + "/template", Headers: ro.Bearer(), Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
					string(r.Body) != "id,name,category,type,site,vlans,ip_addresses,mac_addresses,hostname,vendor,model,serial_number,"+
						"firmware_version,os,cpe,criticality,lifecycle,owner,location_detail,tags,notes\n" {
					t.Fatalf("template: %s %s", r.Header.Get("Content-Type"), r.Body)
				}
			}},
		post("dry run by default", "", form("", valid), w.admin, http.StatusOK, "", nil),
		post("dry run in the form", "", form("true", valid), w.admin, http.StatusOK, "", nil),
		post("header only", "", form("", []byte("name,category,type,site\r\n")), w.admin, http.StatusOK, "",
			func(t *testing.T, r *apitest.Response) {
				if !bytes.Contains(r.Body, []byte(`"total_rows":0`)) {
					t.Fatalf("report: %s", r.Body)
				}
			}),
		post("create-only importer may create", "", form("", valid), clerk, http.StatusOK, "",
			func(t *testing.T, r *apitest.Response) {
				if !bytes.Contains(r.Body, []byte(`"would_create":1`)) {
					t.Fatalf("report: %s", r.Body)
				}
			}),
		post("create-only importer may not update", "", form("", []byte("name,category,type,site\nPLC-1,ot,plc,Plant A\n")), clerk,
			http.StatusOK, "", func(t *testing.T, r *apitest.Response) {
				if !bytes.Contains(r.Body, []byte(`"code":"permission_denied"`)) || !bytes.Contains(r.Body, []byte(`"row":2`)) {
					t.Fatalf("report: %s", r.Body)
				}
			}),
		post("another tenant's asset id is unknown", "", form("", []byte("id,name,category,type,site\n"+b.plc.ID.String()+",x,ot,plc,Plant A\n")),
			w.admin, http.StatusOK, "", func(t *testing.T, r *apitest.Response) {
				if !bytes.Contains(r.Body, []byte(`"column":"id","code":"unknown"`)) {
					t.Fatalf("report: %s", r.Body)
				}
			}),
		{Name: "own import", Method: "GET", Path: importsURL + "/" + foreign.ID.String(), Headers: b.admin.Bearer(), Status: http.StatusOK},
	})
	apitest.Run(t, e.Server.App(), "file problems", []apitest.Case{
		post("no file", "", form("true", nil), w.admin, http.StatusUnprocessableEntity, "validation_failed", field("required", "file")),
		post("empty file", "", form("", []byte{}), w.admin, http.StatusUnprocessableEntity, "import_file_invalid", field("empty", "empty")),
		post("binary", "", form("", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\xff\xfe")), w.admin, http.StatusUnprocessableEntity,
			"import_file_invalid", field("not_text", "UTF-8")),
		post("unknown columns", "", form("", []byte("name,category,type,site,colour\n")), w.admin, http.StatusUnprocessableEntity,
			"import_file_invalid", field("unknown_columns", "colour")),
		post("missing columns", "?dry_run=false", form("", []byte("name,type\nx,server\n")), w.admin, http.StatusUnprocessableEntity,
			"import_file_invalid", field("missing_columns", "category, site")),
		post("bare quote", "", form("", []byte("name,category,type,site\na\"b,it,server,Plant A\n")), w.admin,
			http.StatusUnprocessableEntity, "import_file_invalid", field("malformed_csv", "row 2")),
		post("too many rows", "", form("", []byte(many.String())), w.admin, http.StatusRequestEntityTooLarge, "too_many_rows", nil),
		post("too large", "", form("", huge), w.admin, http.StatusRequestEntityTooLarge, "file_too_large", nil),
		post("body over the route's cap", "", form("", hugeBody), w.admin, http.StatusRequestEntityTooLarge, "payload_too_large", nil),
		post("bad dry_run", "?dry_run=perhaps", form("", valid), w.admin, http.StatusUnprocessableEntity, "validation_failed", field("invalid", "dry_run")),
		post("conflicting dry_run", "?dry_run=true", form("false", valid), w.admin, http.StatusUnprocessableEntity, "validation_failed",
			field("conflicting", "dry_run")),
		post("unknown parameter", "?dryrun=false", form("", valid), w.admin, http.StatusUnprocessableEntity, "validation_failed",
			field("unknown_parameter", "dryrun")),
		{Name: "JSON body", Method: "POST", Path: importURL, Body: map[string]string{"file": "x"}, Headers: w.admin.Bearer(),
			Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type"},
		{Name: "raw CSV body", Method: "POST", Path: importURL, Body: string(valid),
			Headers: map[string]string{"Authorization": "Bearer " + w.admin.Access, "Content-Type": "text/csv"},
			Status:  http.StatusUnsupportedMediaType, Code: "unsupported_media_type"},
	})
	apitest.Run(t, e.Server.App(), "permission", []apitest.Case{
		post("read-only may not import", "", form("", valid), ro, http.StatusForbidden, "permission_denied", nil),
		{Name: "read-only may read imports", Method: "GET", Path: importsURL, Headers: ro.Bearer(), Status: http.StatusOK},
		{Name: "anonymous", Method: "GET", Path: importsURL, Status: http.StatusUnauthorized},
	})
	apitest.Run(t, e.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "another tenant's import", Method: "GET", Path: importsURL + "/" + foreign.ID.String(), Headers: w.admin.Bearer(),
			Status: http.StatusNotFound, Code: "not_found"},
		{Name: "not in the list", Method: "GET", Path: importsURL, Headers: w.admin.Bearer(), Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				if bytes.Contains(r.Body, []byte(foreign.ID.String())) {
					t.Fatalf("another tenant's import is listed: %s", r.Body)
				}
			}},
	})
	apitest.Run(t, e.Server.App(), "not found", []apitest.Case{
		{Name: "unknown id", Method: "GET", Path: importsURL + "/" + uuid.NewString(), Headers: w.admin.Bearer(), Status: http.StatusNotFound},
		{Name: "malformed id", Method: "GET", Path: importsURL + "/nope", Headers: w.admin.Bearer(), Status: http.StatusNotFound},
	})
}

// TestImport50000Rows imports the largest file allowed, and a re-import
// of it as updates, and reports the time each took.
func TestImport50000Rows(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 50,000 rows")
	}
	e := cloudtest.New(t)
	w := newImportWorld(t, e, "large")
	var b strings.Builder
	b.WriteString("name,category,type,site,vlans,ip_addresses,mac_addresses,hostname,vendor,model,serial_number,criticality,tags,notes\n")
	for i := range 50_000 {
		fmt.Fprintf(&b, "device-%05d,ot,plc,Plant A,Plant A/Control/10;//20,10.%d.%d.%d,02:00:00:%02x:%02x:%02x,dev-%d.plant.example,"+
			"Siemens,S7-1500,SN%08d,high,line-%d;bulk,row %d of a generated file\n",
			i, i>>16, (i>>8)&255, i&255, i>>16, (i>>8)&255, i&255, i, i, i%7, i)
	}
	file := []byte(b.String())
	t.Logf("file: %d rows, %.1f MiB", 50_000, float64(len(file))/(1<<20))

	start := time.Now()
	report := w.dryRun(t, file)
	t.Logf("dry run of 50,000 new rows: %s", time.Since(start).Round(time.Millisecond))
	if report.ErrorCount != 0 || report.WouldCreate != 50_000 {
		t.Fatalf("dry run = %+v", report)
	}
	start = time.Now()
	imp := w.run(t, file)
	t.Logf("import creating 50,000 assets: %s", time.Since(start).Round(time.Millisecond))
	if imp.Status != "succeeded" || imp.Created != 50_000 || imp.RowsDone != 50_000 {
		t.Fatalf("import = %+v", imp)
	}
	if !w.midway {
		t.Fatal("no progress was visible while the import ran")
	}
	if n := w.count(t, `SELECT count(*) FROM asset_vlans WHERE tenant_id = $1`); n != 100_000+3+1 {
		t.Fatalf("%d VLAN links", n)
	}
	if n := w.count(t, `SELECT count(*) FROM assets WHERE tenant_id = $1 AND search_text LIKE '%dev-49999.plant.example%'`); n != 1 {
		t.Fatalf("search text not written: %d", n)
	}

	updated := bytes.ReplaceAll(file, []byte(",high,"), []byte(",low,"))
	start = time.Now()
	report = w.dryRun(t, updated)
	t.Logf("dry run of 50,000 changed rows: %s", time.Since(start).Round(time.Millisecond))
	if report.ErrorCount != 0 || report.WouldUpdate != 50_000 {
		t.Fatalf("dry run = %+v", report)
	}
	start = time.Now()
	imp = w.run(t, updated)
	t.Logf("import updating 50,000 assets: %s", time.Since(start).Round(time.Millisecond))
	if imp.Status != "succeeded" || imp.Updated != 50_000 {
		t.Fatalf("import = %+v", imp)
	}
}

// TestImportBrokenMultipart sends a body that is not the multipart form
// it claims to be over a real connection: the server reads multipart
// forms before routing, so app.Test cannot show the answer.
func TestImportBrokenMultipart(t *testing.T) {
	e := cloudtest.New(t)
	w := newImportWorld(t, e, "brokenform")
	base := e.Listen(t)
	for _, body := range []string{"--nope\r\ngarbage", "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nname"} {
		req, err := http.NewRequest("POST", base+importURL, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+w.admin.Access)
		req.Header.Set("Content-Type", "multipart/form-data; boundary=xyz")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("broken multipart %q: %d %s %s", body, resp.StatusCode, resp.Header.Get("Content-Type"), raw)
		}
	}
}

// TestImportJobRunsOnce: a repeated job for a finished import does nothing.
func TestImportJobRunsOnce(t *testing.T) {
	e := cloudtest.New(t)
	w := newImportWorld(t, e, "once")
	imp := w.run(t, []byte("name,category,type,site\nOnce,it,server,Plant A\n"))
	if imp.Status != "succeeded" || imp.Created != 1 {
		t.Fatalf("import = %+v", imp)
	}
	before := w.assets(t)
	q, err := jobs.New(e.DB.App, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := auth.WithPrincipal(context.Background(), auth.System(w.tenant))
	if err := e.DB.App.InTenant(ctx, func(tx *database.Tx) error {
		return q.Enqueue(ctx, tx, cmdb.ImportArgs{TenantID: w.tenant, ImportID: imp.ID, MayUpdate: true}, nil)
	}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for w.count(t, `SELECT count(*) FROM river_job WHERE kind = 'cmdb_asset_import' AND state = 'completed' AND args->>'tenant_id' = $1::text`) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the repeated job did not complete")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if after := w.assets(t); after != before {
		t.Fatalf("%d assets before the repeated job, %d after", before, after)
	}
	again := w.wait(t, imp.ID, time.Second)
	if again.Status != "succeeded" || again.Created != 1 || !again.FinishedAt.Equal(*imp.FinishedAt) {
		t.Fatalf("the repeated job changed the import: %+v", again)
	}
}
