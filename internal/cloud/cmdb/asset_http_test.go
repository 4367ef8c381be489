package cmdb_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

const assetsURL = "/api/v1/assets"

// assetWorld is a tenant with two sites, a zone and a VLAN in each, a
// zone-less VLAN and a vendor, written as fixtures through the superuser
// connection so these tests do not depend on the hierarchy's endpoints.
type assetWorld struct {
	e                      *cloudtest.Env
	tenant                 uuid.UUID
	admin                  cloudtest.Session
	db                     *sql.DB
	plant1, plant2         uuid.UUID
	zone1, zone2           uuid.UUID
	vlan10, vlan20, vlan30 uuid.UUID // 10 in plant 1's zone, 20 in plant 2's, 30 without a zone
	siemens                uuid.UUID
}

func newAssetWorld(t *testing.T, e *cloudtest.Env, account string) *assetWorld {
	t.Helper()
	w := &assetWorld{e: e}
	w.tenant, w.admin = e.ActiveTenant(t, account)
	db, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	w.db = db
	w.plant1 = w.insert(t, `INSERT INTO sites (tenant_id, name, code) VALUES ($1, 'Plant 1', 'P1') RETURNING id`)
	w.plant2 = w.insert(t, `INSERT INTO sites (tenant_id, name, code) VALUES ($1, 'Plant 2', 'P2') RETURNING id`)
	w.zone1 = w.insert(t, `INSERT INTO zones (tenant_id, site_id, name, purdue_level) VALUES ($1, $2, 'Control', '2') RETURNING id`, w.plant1)
	w.zone2 = w.insert(t, `INSERT INTO zones (tenant_id, site_id, name, purdue_level) VALUES ($1, $2, 'Control', '2') RETURNING id`, w.plant2)
	w.vlan10 = w.insert(t, `INSERT INTO vlans (tenant_id, zone_id, number, name, cidr) VALUES ($1, $2, 10, 'PLC', '10.1.10.0/24') RETURNING id`, w.zone1)
	w.vlan20 = w.insert(t, `INSERT INTO vlans (tenant_id, zone_id, number, name) VALUES ($1, $2, 20, 'PLC') RETURNING id`, w.zone2)
	w.vlan30 = w.insert(t, `INSERT INTO vlans (tenant_id, number, name) VALUES ($1, 30, 'Shared') RETURNING id`)
	w.siemens = w.insert(t, `INSERT INTO vendors (tenant_id, name, cpe_vendor) VALUES ($1, 'Siemens AG', 'siemens') RETURNING id`)
	return w
}

func (w *assetWorld) insert(t *testing.T, query string, args ...any) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	if err := w.db.QueryRow(query, append([]any{w.tenant}, args...)...).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// create posts an asset and returns it, failing the test unless it is 201.
func (w *assetWorld) create(t *testing.T, body map[string]any) cmdb.Asset {
	t.Helper()
	r := w.e.Do(t, http.MethodPost, assetsURL, body, w.admin.Bearer())
	if r.Status != http.StatusCreated {
		t.Fatalf("create asset: %d %s", r.Status, r.Body)
	}
	var a cmdb.Asset
	r.JSON(t, &a)
	return a
}

func (w *assetWorld) plc(name string, extra map[string]any) map[string]any {
	body := map[string]any{"name": name, "category": "ot", "type": "plc", "site_id": w.plant1}
	for k, v := range extra {
		body[k] = v
	}
	return body
}

// names lists the asset names of a list response, in order.
func names(t *testing.T, r *apitest.Response) []string {
	t.Helper()
	var page httpapi.Page[cmdb.Asset]
	r.JSON(t, &page)
	out := []string{}
	for _, a := range page.Items {
		out = append(out, a.Name)
	}
	return out
}

func TestAssets(t *testing.T) {
	e := cloudtest.New(t)
	w := newAssetWorld(t, e, "assets")
	pump := w.create(t, w.plc("PLC-Pump-01", map[string]any{
		"vlan_ids": []uuid.UUID{w.vlan10, w.vlan30}, "ip_addresses": []string{"10.1.10.5", "::ffff:10.1.10.6"},
		"mac_addresses": []string{"00-1B-1B-AA-BB-01"}, "hostname": "PLC-Pump-01.plant1.example.", "vendor_id": w.siemens,
		"model": "S7-1500", "serial_number": "S C-X4U2", "firmware_version": "2.9.4", "tags": []string{"pumps", "line-a", "pumps"},
		"criticality": "critical",
	}))
	w.create(t, w.plc("PLC-Valve-02", map[string]any{"vlan_ids": []uuid.UUID{w.vlan10}, "ip_addresses": []string{"10.1.10.7"}, "tags": []string{"valves"}}))
	w.create(t, map[string]any{"name": "SCADA-01", "category": "it", "type": "server", "site_id": w.plant1, "ip_addresses": []string{"10.1.20.2"}, "lifecycle": "planned", "criticality": "high"})
	w.create(t, map[string]any{"name": "HMI-7", "category": "ot", "type": "hmi", "site_id": w.plant2, "vlan_ids": []uuid.UUID{w.vlan20}})
	readOnly := e.UserInGroup(t, w.tenant, "ro@assets.example.com", "read_only")

	t.Run("stored form", func(t *testing.T) {
		if !slices.Equal(pump.IPAddresses, []string{"10.1.10.5", "10.1.10.6"}) || !slices.Equal(pump.MACAddresses, []string{"00:1b:1b:aa:bb:01"}) {
			t.Errorf("addresses %v %v, want canonical forms", pump.IPAddresses, pump.MACAddresses)
		}
		if pump.Hostname != "plc-pump-01.plant1.example" || !slices.Equal(pump.Tags, []string{"pumps", "line-a"}) {
			t.Errorf("hostname %q tags %v", pump.Hostname, pump.Tags)
		}
		if pump.Source != "manual" || pump.Lifecycle != "active" || pump.SiteName != "Plant 1" || pump.VendorName != "Siemens AG" || pump.Version != 1 {
			t.Errorf("asset = %+v", pump)
		}
	})

	listCase := func(name, query string, want ...string) apitest.Case {
		return apitest.Case{Name: name, Method: http.MethodGet, Path: assetsURL + "?" + query, Headers: w.admin.Bearer(), Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				if got := names(t, r); !slices.Equal(got, want) {
					t.Errorf("names = %v, want %v", got, want)
				}
			}}
	}
	apitest.Run(t, e.Server.App(), "list filters", []apitest.Case{
		listCase("all, by name", "", "HMI-7", "PLC-Pump-01", "PLC-Valve-02", "SCADA-01"),
		listCase("descending", "sort=-name", "SCADA-01", "PLC-Valve-02", "PLC-Pump-01", "HMI-7"),
		listCase("by criticality", "sort=-criticality&site_id="+w.plant1.String(), "PLC-Pump-01", "SCADA-01", "PLC-Valve-02"),
		listCase("site", "site_id="+w.plant2.String(), "HMI-7"),
		listCase("two sites", "site_id="+w.plant1.String()+","+w.plant2.String()+"&category=it", "SCADA-01"),
		listCase("zone", "zone_id="+w.zone1.String(), "PLC-Pump-01", "PLC-Valve-02"),
		listCase("vlan", "vlan_id="+w.vlan30.String(), "PLC-Pump-01"),
		listCase("type", "type=plc,hmi&sort=name", "HMI-7", "PLC-Pump-01", "PLC-Valve-02"),
		listCase("lifecycle", "lifecycle=planned", "SCADA-01"),
		listCase("vendor", "vendor_id="+w.siemens.String(), "PLC-Pump-01"),
		listCase("tags (all of)", "tag=pumps,line-a", "PLC-Pump-01"),
		listCase("text: name part, any case", "q=valve", "PLC-Valve-02"),
		listCase("text: IP prefix", "q=10.1.10.", "PLC-Pump-01", "PLC-Valve-02"),
		listCase("text: MAC in another notation", "q=001b.1baa.bb01", "PLC-Pump-01"),
		listCase("text: MAC without separators", "q=001B1BAABB01", "PLC-Pump-01"),
		listCase("text: MAC start with hyphens, as OUIs are written", "q=00-1B-1B", "PLC-Pump-01"),
		listCase("text: MAC start with colons", "q=00:1b:1b:aa", "PLC-Pump-01"),
		listCase("text: serial with a space", "q=c-x4u", "PLC-Pump-01"),
		listCase("text: model", "q=s7-15", "PLC-Pump-01"),
		listCase("text: wildcards are literal", "q=%25", []string{}...),
		listCase("source", "source=import", []string{}...),
	})

	t.Run("keyset pages", func(t *testing.T) {
		var seen []string
		path := assetsURL + "?limit=1&sort=-updated_at"
		for range 10 {
			r := e.Do(t, http.MethodGet, path, nil, w.admin.Bearer())
			var page httpapi.Page[cmdb.Asset]
			r.JSON(t, &page)
			for _, a := range page.Items {
				seen = append(seen, a.Name)
			}
			if page.NextCursor == nil {
				break
			}
			path = assetsURL + "?limit=1&sort=-updated_at&cursor=" + url.QueryEscape(*page.NextCursor)
		}
		if want := []string{"HMI-7", "SCADA-01", "PLC-Valve-02", "PLC-Pump-01"}; !slices.Equal(seen, want) {
			t.Fatalf("pages gave %v, want %v", seen, want)
		}
	})

	apitest.Run(t, e.Server.App(), "detail and changes", []apitest.Case{
		{Name: "detail", Method: http.MethodGet, Path: assetsURL + "/" + pump.ID.String(), Headers: readOnly.Bearer(), Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				var d cmdb.AssetDetail
				r.JSON(t, &d)
				if len(d.VLANs) != 2 || d.VLANs[0].Number != 10 || d.VLANs[0].ZoneName != "Control" || d.VLANs[0].CIDR != "10.1.10.0/24" || d.VLANs[1].ZoneID != uuid.Nil {
					t.Errorf("vlans = %+v", d.VLANs)
				}
				if len(d.CPESuggestions) != 2 || d.CPESuggestions[0].CPE != "cpe:2.3:o:siemens:s7-1500_firmware:2.9.4:*:*:*:*:*:*:*" ||
					d.CPESuggestions[1].CPE != "cpe:2.3:h:siemens:s7-1500:-:*:*:*:*:*:*:*" {
					t.Errorf("cpe suggestions = %+v", d.CPESuggestions)
				}
			}},
		{Name: "patch", Method: http.MethodPatch, Path: assetsURL + "/" + pump.ID.String(), Headers: w.admin.Bearer(), Status: http.StatusOK,
			Body: map[string]any{"version": 1, "firmware_version": "3.0.1", "cpe": []string{"cpe:2.3:o:siemens:s7-1500_firmware:3.0.1:*:*:*:*:*:*:*"}, "vendor_id": uuid.Nil},
			Check: func(t *testing.T, r *apitest.Response) {
				var a cmdb.Asset
				r.JSON(t, &a)
				if a.Version != 2 || a.FirmwareVersion != "3.0.1" || a.VendorID != nil || len(a.CPE) != 1 || a.Name != "PLC-Pump-01" || len(a.VLANIDs) != 2 {
					t.Errorf("patched = %+v", a)
				}
			}},
		{Name: "stale version", Method: http.MethodPatch, Path: assetsURL + "/" + pump.ID.String(), Headers: w.admin.Bearer(),
			Body: map[string]any{"version": 1, "owner": "ops"}, Status: http.StatusConflict, Code: "version_conflict"},
		{Name: "timeline", Method: http.MethodGet, Path: assetsURL + "/" + pump.ID.String() + "/timeline", Headers: w.admin.Bearer(), Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				var page httpapi.Page[cmdb.TimelineItem]
				r.JSON(t, &page)
				if len(page.Items) != 2 || page.Items[0].Action != "assets.update" || page.Items[1].Action != "assets.create" {
					t.Fatalf("timeline = %+v", page.Items)
				}
				if _, ok := page.Items[0].Changes["firmware_version"]; !ok {
					t.Errorf("the update's changes %v lack firmware_version", page.Items[0].Changes)
				}
			}},
		{Name: "cpe suggestions", Method: http.MethodGet, Path: assetsURL + "/cpe-suggestions?vendor_id=" + w.siemens.String() + "&model=SIMATIC%20S7-1200&firmware_version=4.5", Headers: w.admin.Bearer(), Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				var s cmdb.CPESuggestions
				r.JSON(t, &s)
				if len(s.Items) != 2 || s.Items[0].CPE != "cpe:2.3:o:siemens:simatic_s7-1200_firmware:4.5:*:*:*:*:*:*:*" {
					t.Errorf("suggestions = %+v", s.Items)
				}
			}},
	})

	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "everything missing", Method: http.MethodPost, Path: assetsURL, Headers: w.admin.Bearer(), Body: map[string]any{},
			Status: http.StatusUnprocessableEntity, Code: "validation_failed", Check: fields("name", "category", "site_id")},
		{Name: "IT type on an OT asset", Method: http.MethodPost, Path: assetsURL, Headers: w.admin.Bearer(),
			Body: map[string]any{"name": "x", "category": "ot", "type": "server", "site_id": w.plant1}, Status: http.StatusUnprocessableEntity, Check: fields("type")},
		{Name: "bad addresses and CPE", Method: http.MethodPost, Path: assetsURL, Headers: w.admin.Bearer(),
			Body: w.plc("x", map[string]any{"ip_addresses": []string{"10.0.0.1", "10.0.0.300"}, "mac_addresses": []string{"00:11:22"},
				"cpe": []string{"cpe:/o:siemens:x"}, "hostname": "bad host"}),
			Status: http.StatusUnprocessableEntity, Check: fields("ip_addresses[1]", "mac_addresses[0]", "cpe[0]", "hostname")},
		{Name: "VLAN of another site's zone", Method: http.MethodPost, Path: assetsURL, Headers: w.admin.Bearer(),
			Body: w.plc("x", map[string]any{"vlan_ids": []uuid.UUID{w.vlan10, w.vlan20}}), Status: http.StatusUnprocessableEntity,
			Check: func(t *testing.T, r *apitest.Response) {
				p := r.Problem(t)
				if len(p.Errors) != 1 || p.Errors[0].Field != "vlan_ids[1]" || p.Errors[0].Code != "other_site" {
					t.Fatalf("errors = %+v, want vlan_ids[1] other_site", p.Errors)
				}
			}},
		{Name: "moving to another site keeps the VLAN rule", Method: http.MethodPatch, Path: assetsURL + "/" + pump.ID.String(), Headers: w.admin.Bearer(),
			Body: map[string]any{"version": 2, "site_id": w.plant2}, Status: http.StatusUnprocessableEntity, Check: fields("vlan_ids[0]")},
		{Name: "unknown references", Method: http.MethodPost, Path: assetsURL, Headers: w.admin.Bearer(),
			Body:   map[string]any{"name": "x", "category": "it", "type": "server", "site_id": uuid.New(), "vendor_id": uuid.New(), "vlan_ids": []uuid.UUID{uuid.New()}},
			Status: http.StatusUnprocessableEntity, Check: fields("site_id", "vendor_id", "vlan_ids[0]")},
		{Name: "name taken in the site", Method: http.MethodPost, Path: assetsURL, Headers: w.admin.Bearer(),
			Body: w.plc("plc-valve-02", nil), Status: http.StatusUnprocessableEntity, Check: fields("name")},
		{Name: "discovered is discovery's", Method: http.MethodPost, Path: assetsURL, Headers: w.admin.Bearer(),
			Body: w.plc("x", map[string]any{"lifecycle": "discovered"}), Status: http.StatusUnprocessableEntity, Check: fields("lifecycle")},
		{Name: "unknown field", Method: http.MethodPost, Path: assetsURL, Headers: w.admin.Bearer(),
			Body: w.plc("x", map[string]any{"colour": "red"}), Status: http.StatusUnprocessableEntity, Check: fields("colour")},
		{Name: "unknown filter", Method: http.MethodGet, Path: assetsURL + "?colour=red&sort=colour&category=gas", Headers: w.admin.Bearer(),
			Status: http.StatusUnprocessableEntity, Check: fields("colour", "sort", "category")},
		{Name: "bad cursor", Method: http.MethodGet, Path: assetsURL + "?cursor=zzz", Headers: w.admin.Bearer(), Status: http.StatusBadRequest},
		{Name: "malformed id", Method: http.MethodGet, Path: assetsURL + "/not-a-uuid", Headers: w.admin.Bearer(), Status: http.StatusNotFound},
	})

	apitest.Run(t, e.Server.App(), "permission", []apitest.Case{
		{Name: "read-only lists", Method: http.MethodGet, Path: assetsURL, Headers: readOnly.Bearer(), Status: http.StatusOK},
		{Name: "read-only cannot create", Method: http.MethodPost, Path: assetsURL, Headers: readOnly.Bearer(), Body: w.plc("y", nil), Status: http.StatusForbidden, Code: "permission_denied"},
		{Name: "read-only cannot delete", Method: http.MethodDelete, Path: assetsURL + "/" + pump.ID.String(), Headers: readOnly.Bearer(), Status: http.StatusForbidden},
		{Name: "anonymous", Method: http.MethodGet, Path: assetsURL, Status: http.StatusUnauthorized},
	})

	other := newAssetWorld(t, e, "assets-other")
	foreign := other.create(t, other.plc("Foreign", nil))
	apitest.Run(t, e.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "get", Method: http.MethodGet, Path: assetsURL + "/" + foreign.ID.String(), Headers: w.admin.Bearer(), Status: http.StatusNotFound},
		{Name: "patch", Method: http.MethodPatch, Path: assetsURL + "/" + foreign.ID.String(), Headers: w.admin.Bearer(), Body: map[string]any{"version": 1, "owner": "x"}, Status: http.StatusNotFound},
		{Name: "delete", Method: http.MethodDelete, Path: assetsURL + "/" + foreign.ID.String(), Headers: w.admin.Bearer(), Status: http.StatusNotFound},
		{Name: "timeline", Method: http.MethodGet, Path: assetsURL + "/" + foreign.ID.String() + "/timeline", Headers: w.admin.Bearer(), Status: http.StatusNotFound},
		{Name: "their site", Method: http.MethodPost, Path: assetsURL, Headers: w.admin.Bearer(),
			Body: map[string]any{"name": "x", "category": "it", "type": "server", "site_id": other.plant1}, Status: http.StatusUnprocessableEntity, Check: fields("site_id")},
		{Name: "their VLAN and vendor", Method: http.MethodPost, Path: assetsURL, Headers: w.admin.Bearer(),
			Body: w.plc("x", map[string]any{"vlan_ids": []uuid.UUID{other.vlan10}, "vendor_id": other.siemens}), Status: http.StatusUnprocessableEntity, Check: fields("vlan_ids[0]", "vendor_id")},
		{Name: "their vendor's CPE names", Method: http.MethodGet, Path: assetsURL + "/cpe-suggestions?vendor_id=" + other.siemens.String(), Headers: w.admin.Bearer(), Status: http.StatusNotFound},
		{Name: "not in the list", Method: http.MethodGet, Path: assetsURL + "?q=foreign", Headers: w.admin.Bearer(), Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				if got := names(t, r); len(got) != 0 {
					t.Errorf("another tenant's assets listed: %v", got)
				}
			}},
	})

	t.Run("delete", func(t *testing.T) {
		gone := w.create(t, w.plc("Short-lived", nil))
		if r := e.Do(t, http.MethodDelete, assetsURL+"/"+gone.ID.String(), nil, w.admin.Bearer()); r.Status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, http.MethodGet, assetsURL+"/"+gone.ID.String(), nil, w.admin.Bearer()); r.Status != http.StatusNotFound {
			t.Fatalf("after delete: %d", r.Status)
		}
	})
}

// fields checks a validation problem names exactly these fields.
func fields(want ...string) func(t *testing.T, r *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var got []string
		for _, f := range r.Problem(t).Errors {
			got = append(got, f.Field)
		}
		slices.Sort(got)
		want = slices.Clone(want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v (%s)", got, want, r.Body)
		}
	}
}

func TestAssetLicenceLimit(t *testing.T) {
	e := cloudtest.New(t)
	w := newAssetWorld(t, e, "limited")
	ctx := auth.WithPrincipal(context.Background(), auth.System(w.tenant))
	if err := e.Services.Licensing.Apply(ctx, licensing.License{Plan: "small", Limits: map[string]int{"max_assets": 2},
		StartsAt: time.Now().Add(-time.Hour)}, "test"); err != nil {
		t.Fatal(err)
	}
	w.create(t, w.plc("one", nil))
	w.create(t, w.plc("two", nil))
	r := e.Do(t, http.MethodPost, assetsURL, w.plc("three", nil), w.admin.Bearer())
	if r.Status != http.StatusForbidden || r.Problem(t).Code != "licence_limit" {
		t.Fatalf("third asset: %d %s, want 403 licence_limit", r.Status, r.Body)
	}
}

func TestAssetExport(t *testing.T) {
	e := cloudtest.New(t)
	w := newAssetWorld(t, e, "export")
	w.create(t, w.plc("=Formula", map[string]any{"vlan_ids": []uuid.UUID{w.vlan10, w.vlan30}, "ip_addresses": []string{"10.1.10.5", "10.1.10.6"},
		"tags": []string{"a", "b"}, "notes": "line one\nline \"two\""}))
	for i := range 3 {
		w.create(t, map[string]any{"name": fmt.Sprintf("srv-%d", i), "category": "it", "type": "server", "site_id": w.plant2})
	}

	r := e.Do(t, http.MethodGet, assetsURL+"/export?category=ot", nil, w.admin.Bearer())
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v %s", r.Status, r.Header, r.Body)
	}
	records, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 2 {
		t.Fatalf("%d records, want the header and one asset: %q", len(records), records)
	}
	row := map[string]string{}
	for i, col := range records[0] {
		row[col] = records[1][i]
	}
	for col, want := range map[string]string{"name": "'=Formula", "site": "Plant 1", "vlans": "Plant 1/Control/10;//30",
		"ip_addresses": "10.1.10.5;10.1.10.6", "tags": "a;b", "notes": "line one\nline \"two\"", "source": "manual", "category": "ot"} {
		if row[col] != want {
			t.Errorf("column %s = %q, want %q", col, row[col], want)
		}
	}

	r = e.Do(t, http.MethodGet, assetsURL+"/export?format=json&category=it&sort=-name", nil, w.admin.Bearer())
	var assets []cmdb.Asset
	if err := json.Unmarshal(r.Body, &assets); err != nil {
		t.Fatalf("json export: %v: %s", err, r.Body)
	}
	if len(assets) != 3 || assets[0].Name != "srv-2" {
		t.Fatalf("json export = %+v", assets)
	}

	r = e.Do(t, http.MethodGet, assetsURL+"/export?format=xml", nil, w.admin.Bearer())
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("format=xml: %d", r.Status)
	}
}

func TestCMDBSummary(t *testing.T) {
	e := cloudtest.New(t)
	w := newAssetWorld(t, e, "summary")
	w.create(t, w.plc("PLC-1", map[string]any{"criticality": "critical"}))
	w.create(t, w.plc("PLC-2", nil))
	w.create(t, map[string]any{"name": "SRV", "category": "it", "type": "server", "site_id": w.plant2, "lifecycle": "planned"})
	r := e.Do(t, http.MethodGet, "/api/v1/cmdb/summary", nil, w.admin.Bearer())
	var s cmdb.Summary
	r.JSON(t, &s)
	if r.Status != 200 || s.Sites != 2 || s.Vendors != 1 || s.Assets != 3 || s.ByCategory["ot"] != 2 || s.ByCategory["it"] != 1 ||
		s.ByCriticality["critical"] != 1 || s.ByCriticality["medium"] != 2 || s.ByCriticality["low"] != 0 ||
		s.ByLifecycle["planned"] != 1 || s.ByLifecycle["active"] != 2 || s.Discovered != 0 || s.OpenDrift != 0 {
		t.Fatalf("summary = %d %+v", r.Status, s)
	}
	other := newAssetWorld(t, e, "summary-other")
	r = e.Do(t, http.MethodGet, "/api/v1/cmdb/summary", nil, other.admin.Bearer())
	r.JSON(t, &s)
	if s.Assets != 0 || s.Sites != 2 {
		t.Fatalf("another tenant's summary = %+v", s)
	}
}
