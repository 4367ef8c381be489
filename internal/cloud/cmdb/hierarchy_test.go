package cmdb_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// Helpers of the network hierarchy and vendor tests (site, zone, VLAN and
// vendor files); named hier* so they stay apart from the asset tests'.

const (
	hierSitesURL   = "/api/v1/sites"
	hierZonesURL   = "/api/v1/zones"
	hierVLANsURL   = "/api/v1/vlans"
	hierVendorsURL = "/api/v1/vendors"
)

// hierAdminDB connects as the database superuser, around row-level
// security, to seed what other modules write (assets, diagrams).
func hierAdminDB(t *testing.T, e *cloudtest.Env) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// hierOK fails the test unless the response is a success.
func hierOK(t *testing.T, r *apitest.Response) *apitest.Response {
	t.Helper()
	if r.Status >= 300 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	return r
}

// hierPost creates a record through the API and decodes it.
func hierPost[T any](t *testing.T, e *cloudtest.Env, s cloudtest.Session, path string, body any) T {
	t.Helper()
	var out T
	hierOK(t, e.Do(t, "POST", path, body, s.Bearer())).JSON(t, &out)
	return out
}

func hierSite(t *testing.T, e *cloudtest.Env, s cloudtest.Session, name string) cmdb.Site {
	t.Helper()
	return hierPost[cmdb.Site](t, e, s, hierSitesURL, map[string]any{"name": name})
}

func hierZone(t *testing.T, e *cloudtest.Env, s cloudtest.Session, name string, siteID *uuid.UUID, level string) cmdb.Zone {
	t.Helper()
	body := map[string]any{"name": name, "purdue_level": level}
	if siteID != nil {
		body["site_id"] = siteID
	}
	return hierPost[cmdb.Zone](t, e, s, hierZonesURL, body)
}

func hierVLAN(t *testing.T, e *cloudtest.Env, s cloudtest.Session, number int, zoneID *uuid.UUID) cmdb.VLAN {
	t.Helper()
	body := map[string]any{"number": number, "name": fmt.Sprintf("VLAN %d", number)}
	if zoneID != nil {
		body["zone_id"] = zoneID
	}
	return hierPost[cmdb.VLAN](t, e, s, hierVLANsURL, body)
}

func hierVendor(t *testing.T, e *cloudtest.Env, s cloudtest.Session, name string) cmdb.Vendor {
	t.Helper()
	return hierPost[cmdb.Vendor](t, e, s, hierVendorsURL, map[string]any{"name": name})
}

// hierAsset writes an asset of siteID straight into the database, as the
// asset module would, optionally made by vendorID and sitting in VLANs.
func hierAsset(t *testing.T, e *cloudtest.Env, tenantID, siteID uuid.UUID, name string, vendorID *uuid.UUID, vlanIDs ...uuid.UUID) uuid.UUID {
	t.Helper()
	db := hierAdminDB(t, e)
	var id uuid.UUID
	if err := db.QueryRow(`INSERT INTO assets (tenant_id, site_id, name, category, type, vendor_id)
		VALUES ($1, $2, $3, 'ot', 'plc', $4) RETURNING id`, tenantID, siteID, name, vendorID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, v := range vlanIDs {
		if _, err := db.Exec(`INSERT INTO asset_vlans (tenant_id, asset_id, vlan_id) VALUES ($1, $2, $3)`, tenantID, id, v); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// hierDiagram writes a diagram of siteID straight into the database.
func hierDiagram(t *testing.T, e *cloudtest.Env, tenantID, siteID uuid.UUID, name string) {
	t.Helper()
	if _, err := hierAdminDB(t, e).Exec(`INSERT INTO diagrams (tenant_id, site_id, name) VALUES ($1, $2, $3)`,
		tenantID, siteID, name); err != nil {
		t.Fatal(err)
	}
}

// hierProblem is a problem body with the field messages apitest leaves out.
type hierProblem struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

// hierFieldError checks a problem names field with code and, when given,
// a message containing each of words.
func hierFieldError(field, code string, words ...string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var p hierProblem
		r.JSON(t, &p)
		for _, f := range p.Errors {
			if f.Field == field && f.Code == code {
				for _, w := range words {
					if !strings.Contains(f.Message, w) {
						t.Fatalf("%s/%s message %q lacks %q", field, code, f.Message, w)
					}
				}
				return
			}
		}
		t.Fatalf("no %s error for %s: %s", code, field, r.Body)
	}
}

// hierOnlyFields checks a problem names exactly these fields.
func hierOnlyFields(want ...string) func(*testing.T, *apitest.Response) {
	slices.Sort(want)
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var got []string
		for _, f := range r.Problem(t).Errors {
			got = append(got, f.Field)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("invalid fields %v, want %v; body: %s", got, want, r.Body)
		}
	}
}

// hierDetail checks the problem's detail mentions each of words.
func hierDetail(words ...string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var p hierProblem
		r.JSON(t, &p)
		for _, w := range words {
			if !strings.Contains(p.Detail, w) {
				t.Fatalf("detail %q lacks %q", p.Detail, w)
			}
		}
	}
}

// hierDecode decodes a response for a Check.
func hierDecode[T any](t *testing.T, r *apitest.Response) T {
	t.Helper()
	var v T
	r.JSON(t, &v)
	return v
}

// hierAuditEntry is one row of the tenant's audit log.
type hierAuditEntry struct {
	Action     string
	ResourceID string
	Summary    string
	Changes    map[string]struct {
		Before json.RawMessage `json:"before"`
		After  json.RawMessage `json:"after"`
	}
}

// hierAudit returns the tenant's audit entries whose action starts with
// prefix, oldest first.
func hierAudit(t *testing.T, e *cloudtest.Env, tenantID uuid.UUID, prefix string) []hierAuditEntry {
	t.Helper()
	rows, err := hierAdminDB(t, e).Query(`SELECT action, resource_id, summary, changes FROM audit_log
		WHERE tenant_id = $1 AND action LIKE $2 || '%' ORDER BY at, id`, tenantID, prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var out []hierAuditEntry
	for rows.Next() {
		var a hierAuditEntry
		var changes []byte
		if err := rows.Scan(&a.Action, &a.ResourceID, &a.Summary, &changes); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(changes, &a.Changes); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// hierLastAudit is the newest entry with the action for the resource.
func hierLastAudit(t *testing.T, e *cloudtest.Env, tenantID uuid.UUID, action, resourceID string) hierAuditEntry {
	t.Helper()
	entries := hierAudit(t, e, tenantID, action)
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Action == action && entries[i].ResourceID == resourceID {
			return entries[i]
		}
	}
	t.Fatalf("no %s audit entry for %s", action, resourceID)
	return hierAuditEntry{}
}

// hierChange checks an audit entry's change of field, as JSON text ("" for
// an absent side).
func hierChange(t *testing.T, a hierAuditEntry, field, before, after string) {
	t.Helper()
	c, ok := a.Changes[field]
	if !ok {
		t.Fatalf("%s: no change of %s in %v", a.Action, field, a.Changes)
	}
	if string(c.Before) != before || string(c.After) != after {
		t.Fatalf("%s: %s changed %s → %s, want %s → %s", a.Action, field, c.Before, c.After, before, after)
	}
}

func hierRepeat(n int) string { return strings.Repeat("x", n) }

// TestHierarchyRoutesAreDocumented: every route of sites, zones, VLANs and
// vendors is in the OpenAPI document with its permission.
func TestHierarchyRoutesAreDocumented(t *testing.T) {
	e := cloudtest.New(t)
	crud := func(resource string) (map[string]string, map[string]string) {
		return map[string]string{"get": resource + ".read", "post": resource + ".create"},
			map[string]string{"get": resource + ".read", "patch": resource + ".update", "delete": resource + ".delete"}
	}
	sites, site := crud("sites")
	vendors, vendor := crud("vendors")
	cloudtest.AssertRoutePermissions(t, e, map[string]map[string]string{
		hierSitesURL: sites, hierSitesURL + "/{id}": site,
		hierZonesURL: sites, hierZonesURL + "/{id}": site,
		hierVLANsURL: sites, hierVLANsURL + "/{id}": site,
		hierVendorsURL: vendors, hierVendorsURL + "/{id}": vendor,
		hierSitesURL + "/{id}/zones/preset": {"post": "sites.create"},
	})
}

// TestHierarchyIdempotentCreates: a create retried with the same
// Idempotency-Key answers the first result again and creates one record.
func TestHierarchyIdempotentCreates(t *testing.T) {
	e := cloudtest.New(t)
	_, admin := e.ActiveTenant(t, "idem")
	site := hierSite(t, e, admin, "Plant")
	for _, c := range []struct {
		path string
		body map[string]any
	}{
		{hierSitesURL, map[string]any{"name": "Warehouse"}},
		{hierZonesURL, map[string]any{"name": "Cell 1", "purdue_level": "1", "site_id": site.ID}},
		{hierVLANsURL, map[string]any{"number": 100}},
		{hierVendorsURL, map[string]any{"name": "Siemens"}},
		{hierSitesURL + "/" + site.ID.String() + "/zones/preset", nil},
	} {
		h := admin.Bearer()
		h["Idempotency-Key"] = "key-" + c.path
		first := e.Do(t, "POST", c.path, c.body, h)
		second := e.Do(t, "POST", c.path, c.body, h)
		if first.Status != 201 || second.Status != 201 || string(first.Body) != string(second.Body) ||
			second.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("%s: %d %s, then %d %s", c.path, first.Status, first.Body, second.Status, second.Body)
		}
	}
}

// TestHierarchyCrossTenantSweep runs the API-wide sweep with tenant B
// holding a site, zones (from the preset), a VLAN and a vendor, and reports
// what it finds on the routes of this file's features.
func TestHierarchyCrossTenantSweep(t *testing.T) {
	e := cloudtest.New(t)
	_, a := e.ActiveTenant(t, "sweep-a")
	_, b := e.ActiveTenant(t, "sweep-b")
	for _, s := range []cloudtest.Session{a, b} {
		site := hierSite(t, e, s, "Plant")
		preset := hierPost[cmdb.ZonePresetResult](t, e, s, hierSitesURL+"/"+site.ID.String()+"/zones/preset", nil)
		hierVLAN(t, e, s, 10, &preset.Created[0].ID)
		hierVendor(t, e, s, "Siemens")
	}
	var ours []string
	for _, leak := range cloudtest.CrossTenantSweep(t, e, a, b) {
		for _, p := range []string{hierSitesURL, hierZonesURL, hierVLANsURL, hierVendorsURL} {
			if strings.Contains(leak, p) {
				ours = append(ours, leak)
				break
			}
		}
	}
	if len(ours) > 0 {
		t.Fatalf("cross-tenant leaks:\n%s", strings.Join(ours, "\n"))
	}
}
