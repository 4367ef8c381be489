package cmdb

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

func TestParseImportSheet(t *testing.T) {
	sheet, err := parseImportSheet([]byte("\xEF\xBB\xBF Name ,CATEGORY,type,site,notes\r\n" +
		"a,it,server,Plant,\"two\nlines\"\r\n" +
		",,,,\r\n" +
		"\r\n" +
		"b,ot,plc,Plant,'=1+2\r\n" +
		"c,ot,plc\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(sheet.columns, ",") != "name,category,type,site,notes" {
		t.Fatalf("columns = %v", sheet.columns)
	}
	if len(sheet.rows) != 3 {
		t.Fatalf("%d rows, want 3 (blank ones skipped): %+v", len(sheet.rows), sheet.rows)
	}
	// Rows are numbered as a spreadsheet shows them: header 1, the
	// multi-line row 2, the blank row 3 (the empty line is no row).
	if got := []int{sheet.rows[0].num, sheet.rows[1].num, sheet.rows[2].num}; fmt.Sprint(got) != "[2 4 5]" {
		t.Fatalf("row numbers = %v, want [2 4 5]", got)
	}
	if v, _ := sheet.cell(sheet.rows[0], "notes"); v != "two\nlines" {
		t.Fatalf("notes = %q", v)
	}
	if v, _ := sheet.cell(sheet.rows[1], "notes"); v != "=1+2" {
		t.Fatalf("a spreadsheet-safe cell came back as %q", v)
	}
	if e := sheet.rows[2].err; e == nil || e.Row != 5 || e.Code != "cell_count" {
		t.Fatalf("ragged row: %+v", sheet.rows[2])
	}
	if _, ok := sheet.cell(sheet.rows[0], "vlans"); ok {
		t.Fatal("a column the file lacks reads as present")
	}

	semi, err := parseImportSheet([]byte("name;category;type;site;tags\nx;it;server;Plant;\"a;b\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := semi.cell(semi.rows[0], "tags"); v != "a;b" || len(semi.rows) != 1 {
		t.Fatalf("semicolon file: %+v", semi)
	}
}

func TestParseImportSheetRefusesFiles(t *testing.T) {
	many := strings.Builder{}
	many.WriteString("name,category,type,site\n")
	for i := range importMaxRows + 1 {
		fmt.Fprintf(&many, "a%d,it,server,P\n", i)
	}
	cases := []struct {
		name, file, code, detail string
		kind                     errs.Kind
	}{
		{"empty", "", "empty", "empty", errs.KindValidation},
		{"blank", " \r\n\n", "empty", "empty", errs.KindValidation},
		{"bom only", "\xEF\xBB\xBF", "empty", "empty", errs.KindValidation},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_text", "UTF-8", errs.KindValidation},
		{"latin-1", "name,category,type,site\nM\xfcller,it,server,P\n", "not_text", "UTF-8", errs.KindValidation},
		{"unknown columns", "name,category,type,site,colour,size\n", "unknown_columns", `"colour", "size"`, errs.KindValidation},
		{"missing columns", "name,type\n", "missing_columns", "category, site", errs.KindValidation},
		{"repeated column", "name,category,type,site,Name\n", "repeated_columns", "name", errs.KindValidation},
		{"empty header cell", "name,,type\n", "header_invalid", "column 2", errs.KindValidation},
		{"bare quote", "name,category,type,site\na,it,server,P\nb\"x,it,server,P\n", "malformed_csv", "row 3", errs.KindValidation},
		{"unterminated quote", "name,category,type,site\n\"a,it,server,P\n", "malformed_csv", "row 2", errs.KindValidation},
		{"too many rows", many.String(), "", "50000", errs.KindTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseImportSheet([]byte(tc.file))
			var e *errs.Error
			if !errorsAs(err, &e) || e.Kind != tc.kind {
				t.Fatalf("err = %v, want kind %v", err, tc.kind)
			}
			text := e.Message
			if tc.code != "" {
				if len(e.Fields) == 0 || e.Fields[0].Code != tc.code {
					t.Fatalf("fields = %+v, want code %s", e.Fields, tc.code)
				}
				text = e.Fields[0].Message
			}
			if !strings.Contains(text, tc.detail) {
				t.Fatalf("message %q does not mention %q", text, tc.detail)
			}
		})
	}
}

func errorsAs(err error, target **errs.Error) bool {
	e, ok := err.(*errs.Error)
	if ok {
		*target = e
	}
	return ok
}

// importFixture is a tenant: two sites, VLANs in both and one without a
// zone, a vendor, and two assets of Plant A.
type importFixture struct {
	plantA, plantB, vlanA10, vlanB10, vlan20, vlanFree30, siemens, plc1, hmi1 uuid.UUID
	catalog                                                                   *importCatalog
}

func newImportFixture() *importFixture {
	f := &importFixture{plantA: uuid.New(), plantB: uuid.New(), vlanA10: uuid.New(), vlanB10: uuid.New(), vlan20: uuid.New(),
		vlanFree30: uuid.New(), siemens: uuid.New(), plc1: uuid.New(), hmi1: uuid.New()}
	refs := assetRefs{
		sites: map[uuid.UUID]string{f.plantA: "Plant A", f.plantB: "Plant/B"},
		vlans: map[uuid.UUID]vlanPlacement{
			f.vlanA10:    {ID: f.vlanA10, Number: 10, ZoneName: "Control", SiteID: f.plantA, SiteName: "Plant A"},
			f.vlanB10:    {ID: f.vlanB10, Number: 10, ZoneName: "Control", SiteID: f.plantB, SiteName: "Plant/B"},
			f.vlan20:     {ID: f.vlan20, Number: 20},
			f.vlanFree30: {ID: f.vlanFree30, Number: 30, ZoneName: "Shared"},
		},
		vendors: map[uuid.UUID]string{f.siemens: "Siemens"},
	}
	f.catalog = newImportCatalog(refs, []importExisting{
		{ID: f.plc1, SiteID: f.plantA, Name: "PLC-1", Lifecycle: "active", Version: 3},
		{ID: f.hmi1, SiteID: f.plantA, Name: "HMI-1", Lifecycle: LifecycleDiscovered, Version: 1},
	})
	f.catalog.current = map[uuid.UUID]AssetInput{
		f.plc1: {Name: "PLC-1", Category: "ot", Type: "plc", SiteID: f.plantA, VLANIDs: []uuid.UUID{f.vlanA10},
			IPAddresses: []string{"10.0.0.1"}, MACAddresses: []string{}, VendorID: &f.siemens, Model: "S7-1500",
			CPE: []string{}, Criticality: "high", Lifecycle: "active", Tags: []string{"line-1"}, Notes: "keep"},
		f.hmi1: {Name: "HMI-1", Category: "ot", Type: "hmi", SiteID: f.plantA, VLANIDs: []uuid.UUID{},
			IPAddresses: []string{"10.0.0.2"}, MACAddresses: []string{}, CPE: []string{}, Criticality: "medium",
			Lifecycle: LifecycleDiscovered, Tags: []string{}},
	}
	return f
}

func (f *importFixture) plan(t *testing.T, file string, mayUpdate bool) importPlan {
	t.Helper()
	sheet, err := parseImportSheet([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	// As the service does: load only the assets the file names.
	current := f.catalog.current
	targets := f.catalog.targets(sheet)
	f.catalog.current = map[uuid.UUID]AssetInput{}
	for _, id := range targets {
		f.catalog.current[id] = current[id]
	}
	defer func() { f.catalog.current = current }()
	return planImport(sheet, f.catalog, mayUpdate)
}

func errorList(p importPlan) string {
	var out []string
	for _, e := range p.errors {
		out = append(out, fmt.Sprintf("%d/%s/%s", e.Row, e.Column, e.Code))
	}
	return strings.Join(out, " ")
}

func TestPlanImportCreates(t *testing.T) {
	f := newImportFixture()
	p := f.plan(t, "name,category,type,site,vlans,ip_addresses,mac_addresses,vendor,tags,criticality,source,first_seen\n"+
		"PLC-2,OT,PLC,plant a,Plant A/control/10;//20;/shared/30,10.0.0.9; ::ffff:10.0.0.10,AA-BB-CC-DD-EE-FF,siemens,a;b;a,,manual,2024-01-01T00:00:00Z\n"+
		`Switch,it,switch,plant/b,Plant\/B/Control/10,,,,,critical,,`+"\n", true)
	if len(p.errors) > 0 {
		t.Fatalf("errors: %+v", p.errors)
	}
	if len(p.creates) != 2 || len(p.updates) != 0 || p.total != 2 {
		t.Fatalf("plan = %+v", p)
	}
	c := p.creates[0].after
	if c.SiteID != f.plantA || c.Category != "ot" || c.Type != "plc" || len(c.VLANIDs) != 3 || c.VendorID == nil || *c.VendorID != f.siemens ||
		strings.Join(c.IPAddresses, ",") != "10.0.0.9,10.0.0.10" || c.MACAddresses[0] != "aa:bb:cc:dd:ee:ff" ||
		strings.Join(c.Tags, ",") != "a,b" || c.Criticality != "medium" || c.Lifecycle != "active" {
		t.Fatalf("created = %+v", c)
	}
	if p.creates[0].row != 2 || p.creates[1].row != 3 {
		t.Fatalf("rows = %d, %d", p.creates[0].row, p.creates[1].row)
	}
}

func TestPlanImportReportsEachBadRow(t *testing.T) {
	f := newImportFixture()
	p := f.plan(t, "name,category,type,site,vlans,ip_addresses,vendor,hostname\n"+
		"ok,it,server,Plant A,,,,\n"+ // 2
		"a,it,server,Nowhere,,,,\n"+ // 3: unknown site
		"b,it,server,Plant A,Plant/B/Control/10,,,\n"+ // 4: '/' in a name unescaped: not site/zone/number
		`c,it,server,Plant A,Plant\/B/Control/10,,,`+"\n"+ // 5: VLAN of another site
		"d,it,server,Plant A,,10.0.0.300,,\n"+ // 6: bad IP
		"e,it,plc,Plant A,,,Acme,bad_host!\n"+ // 7: type of OT, unknown vendor, bad host name
		",it,server,,,,,\n"+ // 8: name and site missing
		"f,xx,server,Plant A,Plant A/Control/99;Plant A/Control/x,,,\n"+ // 9: bad category, unknown VLAN, bad ref
		"g,it,server,Plant A,/control/10;Plant A//10,,,\n", // 10: zone without site, site without zone
		true)
	want := "3/site/unknown 4/vlans/invalid 5/vlans/other_site 6/ip_addresses/invalid 7/vendor/unknown 7/type/invalid " +
		"7/hostname/invalid 8/site/required 8/name/required 9/vlans/unknown 9/vlans/invalid 9/category/invalid " +
		"10/vlans/unknown 10/vlans/unknown"
	if got := errorList(p); got != want {
		t.Fatalf("errors:\n got %s\nwant %s\n%+v", got, want, p.errors)
	}
	if len(p.creates) != 1 || p.rowErrorCount() != 8 {
		t.Fatalf("creates %d, rows with errors %d", len(p.creates), p.rowErrorCount())
	}
	for _, e := range p.errors {
		if e.Message == "" {
			t.Fatalf("error without a message: %+v", e)
		}
	}
	if m := p.errors[2].Message; !strings.Contains(m, "Plant/B") {
		t.Fatalf("other-site message %q does not name the VLAN's site", m)
	}
}

func TestPlanImportUpserts(t *testing.T) {
	f := newImportFixture()
	// By site + name, any case: only the file's columns change.
	p := f.plan(t, "site,name,category,type,criticality,notes\nPLANT A,plc-1,,,,\n", true)
	if len(p.errors) > 0 || len(p.updates) != 1 {
		t.Fatalf("plan = %+v", p)
	}
	u := p.updates[0]
	if u.id != f.plc1 || u.after.Name != "plc-1" || u.after.Criticality != "high" || u.after.Notes != "" ||
		u.after.Model != "S7-1500" || len(u.after.VLANIDs) != 1 || u.after.Type != "plc" {
		t.Fatalf("update = %+v", u.after)
	}
	// The same values change nothing.
	p = f.plan(t, "site,name,category,type,criticality,ip_addresses,notes\nPlant A,PLC-1,ot,plc,high,10.0.0.1,keep\n", true)
	if len(p.errors) > 0 || p.unchanged != 1 || len(p.updates) != 0 {
		t.Fatalf("unchanged plan = %+v", p)
	}
	// By id: it may rename and move the asset; an unknown id is an error.
	p = f.plan(t, "id,site,name,category,type,vlans\n"+
		f.plc1.String()+",Plant/B,PLC-9,,,Plant\\/B/Control/10\n"+
		uuid.NewString()+",Plant A,x,it,server,\n"+
		"not-a-uuid,Plant A,y,it,server,\n", true)
	if got := errorList(p); got != "3/id/unknown 4/id/invalid" {
		t.Fatalf("errors = %s", got)
	}
	if len(p.updates) != 1 || p.updates[0].after.SiteID != f.plantB || p.updates[0].after.Name != "PLC-9" ||
		p.updates[0].after.VLANIDs[0] != f.vlanB10 {
		t.Fatalf("update = %+v", p.updates)
	}
	// Moving without the VLAN column keeps a VLAN of the old site: refused.
	p = f.plan(t, "id,site,name,category,type\n"+f.plc1.String()+",Plant/B,,,\n", true)
	if got := errorList(p); got != "2/vlans/other_site" {
		t.Fatalf("errors = %s", got)
	}
	// Without assets.update, rows naming existing assets are refused.
	p = f.plan(t, "site,name,category,type\nPlant A,PLC-1,ot,plc\nPlant A,new,ot,plc\n", false)
	if got := errorList(p); got != "2//permission_denied" || len(p.creates) != 1 {
		t.Fatalf("errors = %s, plan %+v", got, p)
	}
	// A discovered device keeps its lifecycle unless the file sets another.
	p = f.plan(t, "site,name,category,type,lifecycle\nPlant A,HMI-1,ot,hmi,discovered\n", true)
	if len(p.errors) > 0 || p.unchanged != 1 {
		t.Fatalf("discovered plan = %+v", p)
	}
	p = f.plan(t, "site,name,category,type,lifecycle\nPlant A,HMI-1,ot,hmi,active\nPlant A,HMI-2,ot,hmi,discovered\n", true)
	if got := errorList(p); got != "3/lifecycle/invalid" || len(p.updates) != 1 || p.addingManaged() != 1 {
		t.Fatalf("errors = %s, plan %+v", got, p)
	}
}

func TestPlanImportKeepsNamesUnique(t *testing.T) {
	f := newImportFixture()
	p := f.plan(t, "id,site,name,category,type\n"+
		",Plant A,new,it,server\n"+ // 2
		",Plant A,NEW,it,server\n"+ // 3: same new asset again
		",Plant A,PLC-1,ot,plc\n"+ // 4: updates PLC-1
		f.plc1.String()+",Plant A,PLC-1,ot,plc\n"+ // 5: PLC-1 again
		f.hmi1.String()+",Plant A,plc-1,ot,plc\n", // 6: HMI-1 renamed to PLC-1's name
		true)
	if got := errorList(p); got != "3/name/duplicate 5/id/duplicate 6/name/duplicate" {
		t.Fatalf("errors = %s\n%+v", got, p.errors)
	}
	p = f.plan(t, "id,site,name,category,type\n"+f.hmi1.String()+",Plant A,PLC-1,ot,hmi\n", true)
	if got := errorList(p); got != "2/name/taken" {
		t.Fatalf("errors = %s", got)
	}
	// Swapping two names within one file is fine.
	p = f.plan(t, "id,site,name,category,type,lifecycle\n"+
		f.hmi1.String()+",Plant A,PLC-1,ot,hmi,discovered\n"+
		f.plc1.String()+",Plant A,HMI-1,ot,plc,active\n", true)
	if len(p.errors) > 0 || len(p.updates) != 2 {
		t.Fatalf("swap plan = %+v", p)
	}
}

func TestImportDryRunValue(t *testing.T) {
	for _, tc := range []struct {
		query string
		form  []string
		want  bool
		code  string
	}{
		{"", nil, true, ""},
		{"false", nil, false, ""},
		{"", []string{"false"}, false, ""},
		{"true", []string{"true"}, true, ""},
		{"true", []string{"false"}, false, "conflicting"},
		{"maybe", nil, false, "invalid"},
	} {
		got, err := importDryRun(tc.query, tc.form)
		code := ""
		var e *errs.Error
		if errorsAs(err, &e) {
			code = e.Fields[0].Code
		}
		if code != tc.code || (tc.code == "" && got != tc.want) {
			t.Errorf("importDryRun(%q, %v) = %v, %v", tc.query, tc.form, got, err)
		}
	}
}

func TestCleanFilename(t *testing.T) {
	for in, want := range map[string]string{
		`C:\Users\me\assets.csv`: "assets.csv",
		"../../etc/passwd":       "passwd",
		"a\x00b\nc.csv":          "abc.csv",
		strings.Repeat("é", 300): strings.Repeat("é", 255),
	} {
		if got := cleanFilename(in); got != want {
			t.Errorf("cleanFilename(%q) = %q, want %q", in, got, want)
		}
	}
	if got := cleanFilename("/"); !strings.HasPrefix(got, "assets-") {
		t.Errorf("an empty name became %q", got)
	}
}

// TestImportSameInputAgreesWithAssetChanges changes each field of
// AssetInput in turn: the import's quick comparison must see every field
// assetChanges sees, including fields added later.
func TestImportSameInputAgreesWithAssetChanges(t *testing.T) {
	vendor := uuid.New()
	base := AssetInput{Name: "a", Category: "ot", Type: "plc", SiteID: uuid.New(), VLANIDs: []uuid.UUID{uuid.New()},
		IPAddresses: []string{"10.0.0.1"}, MACAddresses: []string{}, VendorID: &vendor, CPE: nil, Criticality: "low",
		Lifecycle: "active", Tags: []string{"x"}}
	if !importSameInput(base, base) || len(assetChanges(base, base)) != 0 {
		t.Fatal("an input differs from itself")
	}
	empty := base
	empty.MACAddresses, empty.CPE = nil, []string{}
	if !importSameInput(base, empty) || len(assetChanges(base, empty)) != 0 {
		t.Fatal("nil and empty lists differ")
	}
	v := reflect.ValueOf(&base).Elem()
	for i := range v.NumField() {
		changed := base
		f := reflect.ValueOf(&changed).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "-changed")
		case reflect.Slice:
			switch f.Type().Elem() {
			case reflect.TypeFor[uuid.UUID]():
				f.Set(reflect.ValueOf([]uuid.UUID{uuid.New()}))
			default:
				f.Set(reflect.ValueOf([]string{"changed"}))
			}
		case reflect.Array: // uuid.UUID
			f.Set(reflect.ValueOf(uuid.New()))
		case reflect.Pointer:
			other := uuid.New()
			f.Set(reflect.ValueOf(&other))
		default:
			t.Fatalf("field %s of kind %s: teach this test about it", v.Type().Field(i).Name, f.Kind())
		}
		name := v.Type().Field(i).Name
		if len(assetChanges(base, changed)) == 0 {
			t.Fatalf("assetChanges misses %s", name)
		}
		if importSameInput(base, changed) {
			t.Fatalf("importSameInput misses %s", name)
		}
	}
	noVendor := base
	noVendor.VendorID = nil
	if importSameInput(base, noVendor) {
		t.Fatal("importSameInput misses a removed vendor")
	}
}
