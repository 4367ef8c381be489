package cmdb_test

import (
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

func zoneTestNames(zones []cmdb.Zone) string {
	var names []string
	for _, z := range zones {
		names = append(names, z.Name)
	}
	return strings.Join(names, ",")
}

func zoneTestList(want string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		if got := zoneTestNames(hierDecode[httpapi.Page[cmdb.Zone]](t, r).Items); got != want {
			t.Fatalf("zones %q, want %q", got, want)
		}
	}
}

func TestZonesSuccess(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	h := admin.Bearer()
	berlin, munich := hierSite(t, e, admin, "Berlin"), hierSite(t, e, admin, "Munich")

	var control cmdb.Zone
	apitest.Run(t, e.Server.App(), "create", []apitest.Case{
		{Name: "in a site", Method: "POST", Path: hierZonesURL, Headers: h, Status: 201,
			Body: map[string]any{"name": " Control ", "site_id": berlin.ID, "purdue_level": "2", "description": "PLCs", "security_level": 2},
			Check: func(t *testing.T, r *apitest.Response) {
				control = hierDecode[cmdb.Zone](t, r)
				if control.Name != "Control" || *control.SiteID != berlin.ID || control.SiteName != "Berlin" || control.PurdueLevel != "2" ||
					*control.SecurityLevel != 2 || control.Version != 1 || control.VLANCount != 0 || control.CreatedAt.IsZero() {
					t.Fatalf("zone: %+v", control)
				}
			}},
		{Name: "without a site", Method: "POST", Path: hierZonesURL, Headers: h, Status: 201,
			Body: map[string]any{"name": "Shared DMZ", "purdue_level": "3.5"},
			Check: func(t *testing.T, r *apitest.Response) {
				z := hierDecode[cmdb.Zone](t, r)
				if z.SiteID != nil || z.SiteName != "" || z.SecurityLevel != nil || z.PurdueLevel != "3.5" {
					t.Fatalf("zone: %+v", z)
				}
			}},
		{Name: "the same name in another site", Method: "POST", Path: hierZonesURL, Headers: h, Status: 201,
			Body: map[string]any{"name": "control", "site_id": munich.ID, "purdue_level": "3"}},
		{Name: "security level 0", Method: "POST", Path: hierZonesURL, Headers: h, Status: 201,
			Body: map[string]any{"name": "Field", "site_id": berlin.ID, "purdue_level": "0", "security_level": 0}},
	})
	id := control.ID.String()
	hierVLAN(t, e, admin, 10, &control.ID)
	hierVLAN(t, e, admin, 11, &control.ID)

	apitest.Run(t, e.Server.App(), "read", []apitest.Case{
		{Name: "get with VLAN count", Method: "GET", Path: hierZonesURL + "/" + id, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if z := hierDecode[cmdb.Zone](t, r); z.VLANCount != 2 || z.SiteName != "Berlin" {
				t.Fatalf("zone: %+v", z)
			}
		}},
		{Name: "list in name order", Method: "GET", Path: hierZonesURL, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			p := hierDecode[httpapi.Page[cmdb.Zone]](t, r)
			if len(p.Items) != 4 || p.Items[0].VLANCount+p.Items[1].VLANCount != 2 {
				t.Fatalf("list: %s", r.Body)
			}
		}},
		{Name: "site filter", Method: "GET", Path: hierZonesURL + "?site_id=" + berlin.ID.String(), Headers: h, Status: 200, Check: zoneTestList("Control,Field")},
		{Name: "level filter", Method: "GET", Path: hierZonesURL + "?purdue_level=2", Headers: h, Status: 200, Check: zoneTestList("Control")},
		{Name: "level 3.5", Method: "GET", Path: hierZonesURL + "?purdue_level=3.5", Headers: h, Status: 200, Check: zoneTestList("Shared DMZ")},
		{Name: "filters combine", Method: "GET", Path: hierZonesURL + "?purdue_level=3&site_id=" + munich.ID.String(), Headers: h, Status: 200, Check: zoneTestList("control")},
		{Name: "filters that match nothing", Method: "GET", Path: hierZonesURL + "?purdue_level=2&site_id=" + munich.ID.String(), Headers: h, Status: 200, Check: zoneTestList("")},
	})

	apitest.Run(t, e.Server.App(), "update", []apitest.Case{
		{Name: "some fields", Method: "PATCH", Path: hierZonesURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"description": "Cell controllers", "security_level": 3, "purdue_level": "1", "version": 1},
			Check: func(t *testing.T, r *apitest.Response) {
				z := hierDecode[cmdb.Zone](t, r)
				if z.Version != 2 || z.Description != "Cell controllers" || *z.SecurityLevel != 3 || z.PurdueLevel != "1" || z.VLANCount != 2 {
					t.Fatalf("zone: %+v", z)
				}
			}},
		{Name: "null clears the security level", Method: "PATCH", Path: hierZonesURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"security_level": nil, "version": 2},
			Check: func(t *testing.T, r *apitest.Response) {
				if z := hierDecode[cmdb.Zone](t, r); z.SecurityLevel != nil || z.Version != 3 {
					t.Fatalf("zone: %+v", z)
				}
			}},
		{Name: "move to another site: no assets in its VLANs", Method: "PATCH", Path: hierZonesURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"site_id": munich.ID, "name": "Control 2", "version": 3},
			Check: func(t *testing.T, r *apitest.Response) {
				if z := hierDecode[cmdb.Zone](t, r); *z.SiteID != munich.ID || z.SiteName != "Munich" || z.Version != 4 {
					t.Fatalf("zone: %+v", z)
				}
			}},
		{Name: "VLANs follow: their site is the zone's", Method: "GET", Path: hierVLANsURL + "?site_id=" + munich.ID.String(), Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if p := hierDecode[httpapi.Page[cmdb.VLAN]](t, r); len(p.Items) != 2 || p.Items[0].SiteName != "Munich" {
					t.Fatalf("VLANs: %s", r.Body)
				}
			}},
		{Name: "null takes it out of its site", Method: "PATCH", Path: hierZonesURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"site_id": nil, "version": 4},
			Check: func(t *testing.T, r *apitest.Response) {
				if z := hierDecode[cmdb.Zone](t, r); z.SiteID != nil || z.SiteName != "" {
					t.Fatalf("zone: %+v", z)
				}
			}},
	})
	moved := hierLastAudit(t, e, tenantID, "zones.update", id)
	hierChange(t, moved, "site_id", `"`+munich.ID.String()+`"`, ``)
	first := hierAudit(t, e, tenantID, "zones.update")[0]
	hierChange(t, first, "security_level", `2`, `3`)
	hierChange(t, first, "purdue_level", `"2"`, `"1"`)

	// An asset of Berlin in a VLAN of a site-less zone: the zone may join
	// Berlin (the asset's own site).
	shared := hierZone(t, e, admin, "Shared", nil, "3")
	v := hierVLAN(t, e, admin, 30, &shared.ID)
	hierAsset(t, e, tenantID, berlin.ID, "Historian", nil, v.ID)
	apitest.Run(t, e.Server.App(), "move along the assets", []apitest.Case{
		{Name: "into the assets' site", Method: "PATCH", Path: hierZonesURL + "/" + shared.ID.String(), Headers: h, Status: 200,
			Body: map[string]any{"site_id": berlin.ID, "version": 1}},
	})

	empty := hierZone(t, e, admin, "Empty", &berlin.ID, "4")
	apitest.Run(t, e.Server.App(), "delete", []apitest.Case{
		{Name: "delete", Method: "DELETE", Path: hierZonesURL + "/" + empty.ID.String(), Headers: h, Status: 204},
		{Name: "gone", Method: "GET", Path: hierZonesURL + "/" + empty.ID.String(), Headers: h, Status: 404, Code: "not_found"},
	})
	del := hierLastAudit(t, e, tenantID, "zones.delete", empty.ID.String())
	hierChange(t, del, "name", `"Empty"`, ``)
	hierChange(t, del, "site_id", `"`+berlin.ID.String()+`"`, ``)
}

func TestZonePreset(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	h := admin.Bearer()
	site := hierSite(t, e, admin, "Berlin")
	other := hierSite(t, e, admin, "Munich")
	// The site already has one of the names, in another case; another
	// site's zones do not count.
	hierZone(t, e, admin, "level 2 - CONTROL", &site.ID, "2")
	hierZone(t, e, admin, "Level 0 - Field devices", &other.ID, "0")
	path := hierSitesURL + "/" + site.ID.String() + "/zones/preset"

	want := []struct{ name, level string }{
		{"Level 0 - Field devices", "0"}, {"Level 1 - Field devices", "1"}, {"Level 3 - Operations", "3"},
		{"Level 3.5 - Industrial DMZ", "3.5"}, {"Level 4 - Enterprise IT", "4"}, {"Level 5 - Enterprise IT", "5"},
	}
	apitest.Run(t, e.Server.App(), "preset", []apitest.Case{
		{Name: "creates the missing zones", Method: "POST", Path: path, Headers: h, Status: 201, Check: func(t *testing.T, r *apitest.Response) {
			got := hierDecode[cmdb.ZonePresetResult](t, r).Created
			if len(got) != len(want) {
				t.Fatalf("created: %s", r.Body)
			}
			for i, z := range got {
				if z.Name != want[i].name || z.PurdueLevel != want[i].level || *z.SiteID != site.ID || z.SiteName != "Berlin" || z.Version != 1 {
					t.Fatalf("zone %d: %+v", i, z)
				}
			}
		}},
		{Name: "twice creates nothing", Method: "POST", Path: path, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if string(r.Body) != `{"created":[]}` {
				t.Fatalf("second run: %s", r.Body)
			}
		}},
		{Name: "the site has seven zones", Method: "GET", Path: hierZonesURL + "?site_id=" + site.ID.String(), Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if p := hierDecode[httpapi.Page[cmdb.Zone]](t, r); len(p.Items) != 7 {
					t.Fatalf("zones: %s", r.Body)
				}
			}},
		{Name: "another site gets its own", Method: "POST", Path: hierSitesURL + "/" + other.ID.String() + "/zones/preset", Headers: h, Status: 201,
			Check: func(t *testing.T, r *apitest.Response) {
				if got := hierDecode[cmdb.ZonePresetResult](t, r).Created; len(got) != 6 || got[0].Name != "Level 1 - Field devices" {
					t.Fatalf("created: %s", r.Body)
				}
			}},
		{Name: "unknown site", Method: "POST", Path: hierSitesURL + "/00000000-0000-4000-8000-000000000000/zones/preset", Headers: h, Status: 404, Code: "not_found"},
	})
	created := 0
	for _, a := range hierAudit(t, e, tenantID, "zones.create") {
		if strings.Contains(a.Summary, "Purdue preset") {
			created++
		}
	}
	if created != 12 {
		t.Fatalf("%d preset zones audited, want 12", created)
	}
}

func TestZonesValidation(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	h := admin.Bearer()
	berlin, munich := hierSite(t, e, admin, "Berlin"), hierSite(t, e, admin, "Munich")
	zone := hierZone(t, e, admin, "Control", &berlin.ID, "2")
	hierZone(t, e, admin, "Cell", &berlin.ID, "1")
	hierZone(t, e, admin, "Shared", nil, "3")
	id := zone.ID.String()
	post := func(name string, body map[string]any, field, code string) apitest.Case {
		return apitest.Case{Name: name, Method: "POST", Path: hierZonesURL, Body: body, Headers: h, Status: 422,
			Code: "validation_failed", Check: hierFieldError(field, code)}
	}
	patch := func(name string, body map[string]any, field, code string, words ...string) apitest.Case {
		return apitest.Case{Name: name, Method: "PATCH", Path: hierZonesURL + "/" + id, Body: body, Headers: h, Status: 422,
			Code: "validation_failed", Check: hierFieldError(field, code, words...)}
	}
	apitest.Run(t, e.Server.App(), "create", []apitest.Case{
		post("name missing", map[string]any{"purdue_level": "1"}, "name", "required"),
		post("name too long", map[string]any{"name": hierRepeat(201), "purdue_level": "1"}, "name", "too_long"),
		post("name taken in the site, other case", map[string]any{"name": "CONTROL", "site_id": berlin.ID, "purdue_level": "2"}, "name", "taken"),
		post("name taken among site-less zones", map[string]any{"name": "shared", "purdue_level": "2"}, "name", "taken"),
		post("level missing", map[string]any{"name": "X"}, "purdue_level", "required"),
		post("level unknown", map[string]any{"name": "X", "purdue_level": "6"}, "purdue_level", "invalid"),
		post("level 3.4", map[string]any{"name": "X", "purdue_level": "3.4"}, "purdue_level", "invalid"),
		post("level as a number", map[string]any{"name": "X", "purdue_level": 3.5}, "purdue_level", "invalid_type"),
		post("security level 5", map[string]any{"name": "X", "purdue_level": "1", "security_level": 5}, "security_level", "out_of_range"),
		post("security level -1", map[string]any{"name": "X", "purdue_level": "1", "security_level": -1}, "security_level", "out_of_range"),
		post("description too long", map[string]any{"name": "X", "purdue_level": "1", "description": hierRepeat(4001)}, "description", "too_long"),
		post("unknown site", map[string]any{"name": "X", "purdue_level": "1", "site_id": "00000000-0000-4000-8000-000000000000"}, "site_id", "not_found"),
		post("unknown field", map[string]any{"name": "X", "purdue_level": "1", "vlan_count": 3}, "vlan_count", "unknown_field"),
		post("site id malformed", map[string]any{"name": "X", "purdue_level": "1", "site_id": "berlin"}, "site_id", "invalid"),
		post("site id empty", map[string]any{"name": "X", "purdue_level": "1", "site_id": ""}, "site_id", "invalid"),
		post("site id not a string", map[string]any{"name": "X", "purdue_level": "1", "site_id": 7}, "site_id", "invalid_type"),
		{Name: "every field at once", Method: "POST", Path: hierZonesURL, Headers: h, Status: 422,
			Body: map[string]any{"name": "", "purdue_level": "9", "security_level": 7}, Check: hierOnlyFields("name", "purdue_level", "security_level")},
	})

	// An asset of Berlin sits in the zone's VLAN: the zone cannot leave
	// Berlin for Munich.
	v := hierVLAN(t, e, admin, 10, &zone.ID)
	hierAsset(t, e, tenantID, berlin.ID, "PLC", nil, v.ID)
	apitest.Run(t, e.Server.App(), "update", []apitest.Case{
		patch("version missing", map[string]any{"name": "X"}, "version", "required"),
		patch("name emptied", map[string]any{"name": " ", "version": 1}, "name", "required"),
		patch("name taken", map[string]any{"name": "cell", "version": 1}, "name", "taken"),
		patch("level null", map[string]any{"purdue_level": nil, "version": 1}, "purdue_level", "required"),
		patch("level unknown", map[string]any{"purdue_level": "2.5", "version": 1}, "purdue_level", "invalid"),
		patch("security level", map[string]any{"security_level": 9, "version": 1}, "security_level", "out_of_range"),
		patch("unknown site", map[string]any{"site_id": "00000000-0000-4000-8000-000000000000", "version": 1}, "site_id", "not_found"),
		patch("site id malformed", map[string]any{"site_id": "munich", "version": 1}, "site_id", "invalid"),
		patch("site of other assets", map[string]any{"site_id": munich.ID, "version": 1}, "site_id", "assets_in_other_site", "1 asset"),
	})
	apitest.Run(t, e.Server.App(), "allowed moves with the asset", []apitest.Case{
		{Name: "out of any site", Method: "PATCH", Path: hierZonesURL + "/" + id, Body: map[string]any{"site_id": nil, "version": 1}, Headers: h, Status: 200},
		{Name: "back into the asset's site", Method: "PATCH", Path: hierZonesURL + "/" + id, Body: map[string]any{"site_id": berlin.ID, "version": 2}, Headers: h, Status: 200},
	})
	apitest.Run(t, e.Server.App(), "list", []apitest.Case{
		{Name: "site filter", Method: "GET", Path: hierZonesURL + "?site_id=berlin", Headers: h, Status: 422, Check: hierFieldError("site_id", "invalid")},
		{Name: "level filter", Method: "GET", Path: hierZonesURL + "?purdue_level=7", Headers: h, Status: 422, Check: hierFieldError("purdue_level", "invalid")},
	})
	apitest.Run(t, e.Server.App(), "nothing changed", []apitest.Case{
		{Name: "zone as it was", Method: "GET", Path: hierZonesURL + "/" + id, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if z := hierDecode[cmdb.Zone](t, r); z.Name != "Control" || z.Version != 3 || *z.SiteID != berlin.ID {
				t.Fatalf("zone: %+v", z)
			}
		}},
	})
}

func TestZonesPermissions(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	site := hierSite(t, e, admin, "Berlin")
	zone := hierZone(t, e, admin, "Control", &site.ID, "2").ID.String()
	h := e.UserInGroup(t, tenantID, "ro@acme.example.com", "read_only").Bearer()
	apitest.Run(t, e.Server.App(), "reads are allowed", []apitest.Case{
		{Name: "list", Method: "GET", Path: hierZonesURL, Headers: h, Status: 200},
		{Name: "get", Method: "GET", Path: hierZonesURL + "/" + zone, Headers: h, Status: 200},
	})
	apitest.Run(t, e.Server.App(), "changes are denied", []apitest.Case{
		{Name: "create", Method: "POST", Path: hierZonesURL, Body: map[string]any{"name": "Mine", "purdue_level": "1"}, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "update", Method: "PATCH", Path: hierZonesURL + "/" + zone, Body: map[string]any{"name": "Mine", "version": 1}, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "delete", Method: "DELETE", Path: hierZonesURL + "/" + zone, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "preset", Method: "POST", Path: hierSitesURL + "/" + site.ID.String() + "/zones/preset", Headers: h, Status: 403, Code: "permission_denied"},
	})
	apitest.Run(t, e.Server.App(), "nothing changed", []apitest.Case{
		{Name: "one zone, as it was", Method: "GET", Path: hierZonesURL, Headers: h, Status: 200, Check: zoneTestList("Control")},
	})
}

func TestZonesConflict(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	h := admin.Bearer()
	site := hierSite(t, e, admin, "Berlin")
	zone := hierZone(t, e, admin, "Control", &site.ID, "2")
	id := zone.ID.String()
	hierOK(t, e.Do(t, "PATCH", hierZonesURL+"/"+id, map[string]any{"description": "x", "version": 1}, h))
	hierVLAN(t, e, admin, 10, &zone.ID)
	hierVLAN(t, e, admin, 20, &zone.ID)
	single := hierZone(t, e, admin, "Cell", &site.ID, "1")
	hierVLAN(t, e, admin, 30, &single.ID)
	apitest.Run(t, e.Server.App(), "conflict", []apitest.Case{
		{Name: "stale version", Method: "PATCH", Path: hierZonesURL + "/" + id, Body: map[string]any{"name": "Late", "version": 1},
			Headers: h, Status: 409, Code: "version_conflict"},
		{Name: "delete with VLANs", Method: "DELETE", Path: hierZonesURL + "/" + id, Headers: h, Status: 409, Code: "has_dependants",
			Check: func(t *testing.T, r *apitest.Response) {
				hierDetail("2 VLANs")(t, r)
				hierFieldError("vlans", "has_dependants", "2 VLANs")(t, r)
			}},
		{Name: "delete with one VLAN", Method: "DELETE", Path: hierZonesURL + "/" + single.ID.String(), Headers: h, Status: 409, Code: "has_dependants",
			Check: hierDetail("1 VLAN.")},
		{Name: "still there", Method: "GET", Path: hierZonesURL + "/" + id, Headers: h, Status: 200},
	})
	if entries := hierAudit(t, e, tenantID, "zones.delete"); len(entries) != 0 {
		t.Fatalf("refused deletions were audited: %+v", entries)
	}
}

func TestZonesCrossTenant(t *testing.T) {
	e := cloudtest.New(t)
	_, a := e.ActiveTenant(t, "tenant-a")
	tenantB, b := e.ActiveTenant(t, "tenant-b")
	siteA := hierSite(t, e, a, "A plant")
	hierZone(t, e, a, "A zone", &siteA.ID, "1")
	siteB := hierSite(t, e, b, "B plant")
	zoneB := hierZone(t, e, b, "B zone", &siteB.ID, "1")
	h := a.Bearer()
	var cases []apitest.Case
	for _, id := range []string{zoneB.ID.String(), siteB.ID.String(), "not-a-uuid"} {
		cases = append(cases,
			apitest.Case{Name: "get " + id, Method: "GET", Path: hierZonesURL + "/" + id},
			apitest.Case{Name: "update " + id, Method: "PATCH", Path: hierZonesURL + "/" + id, Body: map[string]any{"name": "Mine now", "version": 1}},
			apitest.Case{Name: "delete " + id, Method: "DELETE", Path: hierZonesURL + "/" + id},
		)
	}
	cases = append(cases, apitest.Case{Name: "preset in B's site", Method: "POST", Path: hierSitesURL + "/" + siteB.ID.String() + "/zones/preset"})
	for i := range cases {
		cases[i].Headers, cases[i].Status, cases[i].Code = h, 404, "not_found"
	}
	apitest.Run(t, e.Server.App(), "cross-tenant", cases)
	apitest.Run(t, e.Server.App(), "B's site is no site for A", []apitest.Case{
		{Name: "create a zone in it", Method: "POST", Path: hierZonesURL, Body: map[string]any{"name": "Sneaky", "purdue_level": "1", "site_id": siteB.ID},
			Headers: h, Status: 422, Check: hierFieldError("site_id", "not_found")},
		{Name: "move a zone into it", Method: "PATCH", Path: hierZonesURL + "/" + hierZone(t, e, a, "Mover", nil, "1").ID.String(),
			Body: map[string]any{"site_id": siteB.ID, "version": 1}, Headers: h, Status: 422, Check: hierFieldError("site_id", "not_found")},
		{Name: "list by B's site", Method: "GET", Path: hierZonesURL + "?site_id=" + siteB.ID.String(), Headers: h, Status: 200, Check: zoneTestList("")},
		{Name: "list shows only A's", Method: "GET", Path: hierZonesURL, Headers: h, Status: 200, Check: zoneTestList("A zone,Mover")},
	})
	apitest.Run(t, e.Server.App(), "B is untouched", []apitest.Case{
		{Name: "B's zones", Method: "GET", Path: hierZonesURL, Headers: b.Bearer(), Status: 200, Check: zoneTestList("B zone")},
	})
	if entries := hierAudit(t, e, tenantB, "zones."); len(entries) != 1 {
		t.Fatalf("B's audit log: %+v", entries)
	}
}
