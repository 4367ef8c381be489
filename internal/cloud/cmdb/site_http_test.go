package cmdb_test

import (
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

func siteTestPage(t *testing.T, r *apitest.Response) httpapi.Page[cmdb.Site] {
	t.Helper()
	return hierDecode[httpapi.Page[cmdb.Site]](t, r)
}

func siteTestNames(sites []cmdb.Site) string {
	var names []string
	for _, s := range sites {
		names = append(names, s.Name)
	}
	return strings.Join(names, ",")
}

func TestSitesSuccess(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	h := admin.Bearer()

	var plant cmdb.Site
	apitest.Run(t, e.Server.App(), "create", []apitest.Case{
		{Name: "defaults", Method: "POST", Path: hierSitesURL, Body: map[string]any{"name": "  Berlin plant  "}, Headers: h, Status: 201,
			Check: func(t *testing.T, r *apitest.Response) {
				plant = hierDecode[cmdb.Site](t, r)
				if plant.Name != "Berlin plant" || plant.Timezone != "UTC" || plant.Status != "active" || plant.Version != 1 ||
					plant.Latitude != nil || plant.CreatedAt.IsZero() || plant.UpdatedAt.IsZero() || plant.Code != "" {
					t.Fatalf("site: %+v", plant)
				}
			}},
		{Name: "every field", Method: "POST", Path: hierSitesURL, Headers: h, Status: 201,
			Body: map[string]any{"name": "Hamburg port", "code": "HAM", "description": "Container terminal", "location": "Waltershof",
				"latitude": 53.53, "longitude": 9.93, "timezone": "Europe/Berlin", "status": "planned", "contact": "ops@acme.example.com"},
			Check: func(t *testing.T, r *apitest.Response) {
				s := hierDecode[cmdb.Site](t, r)
				if s.Code != "HAM" || *s.Latitude != 53.53 || *s.Longitude != 9.93 || s.Timezone != "Europe/Berlin" ||
					s.Status != "planned" || s.Contact != "ops@acme.example.com" || s.Location != "Waltershof" {
					t.Fatalf("site: %+v", s)
				}
			}},
		{Name: "a code another site lacks", Method: "POST", Path: hierSitesURL, Body: map[string]any{"name": "Another", "code": ""}, Headers: h, Status: 201},
		{Name: "decommissioned", Method: "POST", Path: hierSitesURL, Body: map[string]any{"name": "Old mill", "status": "decommissioned", "code": "OLD"}, Headers: h, Status: 201},
	})
	id := plant.ID.String()

	// What the site holds: 2 zones with 3 VLANs, 2 assets; another site's
	// zone is not counted.
	zoneA := hierZone(t, e, admin, "Control", &plant.ID, "2")
	zoneB := hierZone(t, e, admin, "Field", &plant.ID, "1")
	hierVLAN(t, e, admin, 10, &zoneA.ID)
	hierVLAN(t, e, admin, 11, &zoneA.ID)
	v := hierVLAN(t, e, admin, 20, &zoneB.ID)
	hierZone(t, e, admin, "Elsewhere", nil, "4")
	hierAsset(t, e, tenantID, plant.ID, "PLC 1", nil, v.ID)
	hierAsset(t, e, tenantID, plant.ID, "PLC 2", nil)

	apitest.Run(t, e.Server.App(), "read", []apitest.Case{
		{Name: "get with counts", Method: "GET", Path: hierSitesURL + "/" + id, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			s := hierDecode[cmdb.Site](t, r)
			if s.Counts != (cmdb.SiteCounts{Zones: 2, VLANs: 3, Assets: 2, EdgeDevices: 0}) {
				t.Fatalf("counts: %+v", s.Counts)
			}
		}},
		{Name: "list in name order with counts", Method: "GET", Path: hierSitesURL, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			p := siteTestPage(t, r)
			if got := siteTestNames(p.Items); got != "Another,Berlin plant,Hamburg port,Old mill" || p.NextCursor != nil {
				t.Fatalf("list: %s", got)
			}
			if p.Items[1].Counts.Assets != 2 || p.Items[1].Counts.VLANs != 3 || p.Items[2].Counts != (cmdb.SiteCounts{}) {
				t.Fatalf("counts: %+v / %+v", p.Items[1].Counts, p.Items[2].Counts)
			}
		}},
		{Name: "status filter", Method: "GET", Path: hierSitesURL + "?status=planned", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if got := siteTestNames(siteTestPage(t, r).Items); got != "Hamburg port" {
				t.Fatalf("planned: %s", got)
			}
		}},
		{Name: "q matches the name, any case", Method: "GET", Path: hierSitesURL + "?q=PLANT", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if got := siteTestNames(siteTestPage(t, r).Items); got != "Berlin plant" {
				t.Fatalf("q: %s", got)
			}
		}},
		{Name: "q matches the code", Method: "GET", Path: hierSitesURL + "?q=ha", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if got := siteTestNames(siteTestPage(t, r).Items); got != "Hamburg port" {
				t.Fatalf("q: %s", got)
			}
		}},
		{Name: "q takes LIKE wildcards literally", Method: "GET", Path: hierSitesURL + "?q=%25", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if got := siteTestNames(siteTestPage(t, r).Items); got != "" {
				t.Fatalf("q=%%: %s", got)
			}
		}},
		{Name: "filters combine", Method: "GET", Path: hierSitesURL + "?status=decommissioned&q=old", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if got := siteTestNames(siteTestPage(t, r).Items); got != "Old mill" {
				t.Fatalf("combined: %s", got)
			}
		}},
	})

	// Keyset pages of two.
	var seen []string
	path := hierSitesURL + "?limit=2"
	for range 3 {
		p := siteTestPage(t, hierOK(t, e.Do(t, "GET", path, nil, h)))
		seen = append(seen, siteTestNames(p.Items))
		if p.NextCursor == nil {
			break
		}
		path = hierSitesURL + "?limit=2&cursor=" + *p.NextCursor
	}
	if strings.Join(seen, "|") != "Another,Berlin plant|Hamburg port,Old mill" {
		t.Fatalf("pages: %v", seen)
	}

	apitest.Run(t, e.Server.App(), "update", []apitest.Case{
		{Name: "some fields", Method: "PATCH", Path: hierSitesURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"description": "Main plant", "latitude": 52.52, "longitude": 13.4, "timezone": "Europe/Berlin", "version": 1},
			Check: func(t *testing.T, r *apitest.Response) {
				s := hierDecode[cmdb.Site](t, r)
				if s.Version != 2 || s.Description != "Main plant" || *s.Latitude != 52.52 || s.Name != "Berlin plant" ||
					s.Counts.Zones != 2 || !s.UpdatedAt.After(plant.UpdatedAt) {
					t.Fatalf("site: %+v", s)
				}
			}},
		{Name: "nothing changes: version kept", Method: "PATCH", Path: hierSitesURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"description": "Main plant", "version": 2},
			Check: func(t *testing.T, r *apitest.Response) {
				if s := hierDecode[cmdb.Site](t, r); s.Version != 2 {
					t.Fatalf("version %d", s.Version)
				}
			}},
		{Name: "rename in another case of its own name", Method: "PATCH", Path: hierSitesURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"name": "BERLIN PLANT", "version": 2}},
		{Name: "null clears the coordinates and the timezone", Method: "PATCH", Path: hierSitesURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"latitude": nil, "longitude": nil, "timezone": nil, "version": 3},
			Check: func(t *testing.T, r *apitest.Response) {
				s := hierDecode[cmdb.Site](t, r)
				if s.Latitude != nil || s.Longitude != nil || s.Timezone != "UTC" || s.Version != 4 {
					t.Fatalf("site: %+v", s)
				}
			}},
	})
	upd := hierLastAudit(t, e, tenantID, "sites.update", id)
	hierChange(t, upd, "timezone", `"Europe/Berlin"`, `"UTC"`)
	hierChange(t, upd, "latitude", `52.52`, ``)
	created := hierLastAudit(t, e, tenantID, "sites.create", id)
	hierChange(t, created, "name", ``, `"Berlin plant"`)

	// Deleting a site takes its zones and VLANs along once nothing blocks.
	empty := hierSite(t, e, admin, "Temporary")
	z := hierZone(t, e, admin, "Cell", &empty.ID, "1")
	hierVLAN(t, e, admin, 5, &z.ID)
	hierVLAN(t, e, admin, 6, &z.ID)
	apitest.Run(t, e.Server.App(), "delete", []apitest.Case{
		{Name: "delete", Method: "DELETE", Path: hierSitesURL + "/" + empty.ID.String(), Headers: h, Status: 204},
		{Name: "gone", Method: "GET", Path: hierSitesURL + "/" + empty.ID.String(), Headers: h, Status: 404, Code: "not_found"},
		{Name: "its zone went too", Method: "GET", Path: hierZonesURL + "/" + z.ID.String(), Headers: h, Status: 404},
		{Name: "and its VLANs", Method: "GET", Path: hierVLANsURL + "?zone_id=" + z.ID.String(), Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if p := hierDecode[httpapi.Page[cmdb.VLAN]](t, r); len(p.Items) != 0 {
					t.Fatalf("VLANs left: %s", r.Body)
				}
			}},
	})
	del := hierLastAudit(t, e, tenantID, "sites.delete", empty.ID.String())
	hierChange(t, del, "zones", `1`, ``)
	hierChange(t, del, "vlans", `2`, ``)
	hierChange(t, del, "name", `"Temporary"`, ``)
	if !strings.Contains(del.Summary, "1 zone and 2 VLANs") {
		t.Fatalf("summary: %q", del.Summary)
	}
}

func TestSitesValidation(t *testing.T) {
	e := cloudtest.New(t)
	_, admin := e.ActiveTenant(t, "acme")
	h := admin.Bearer()
	site := hierPost[cmdb.Site](t, e, admin, hierSitesURL, map[string]any{"name": "Berlin", "code": "BER"})
	hierPost[cmdb.Site](t, e, admin, hierSitesURL, map[string]any{"name": "Munich", "code": "MUC"})
	id := site.ID.String()
	post := func(name string, body map[string]any, field, code string, words ...string) apitest.Case {
		return apitest.Case{Name: name, Method: "POST", Path: hierSitesURL, Body: body, Headers: h, Status: 422,
			Code: "validation_failed", Check: hierFieldError(field, code, words...)}
	}
	patch := func(name string, body map[string]any, field, code string) apitest.Case {
		return apitest.Case{Name: name, Method: "PATCH", Path: hierSitesURL + "/" + id, Body: body, Headers: h, Status: 422,
			Code: "validation_failed", Check: hierFieldError(field, code)}
	}
	apitest.Run(t, e.Server.App(), "create", []apitest.Case{
		post("name missing", map[string]any{}, "name", "required"),
		post("name blank", map[string]any{"name": "   "}, "name", "required"),
		post("name too long", map[string]any{"name": hierRepeat(201)}, "name", "too_long", "200"),
		post("name taken, other case", map[string]any{"name": "BERLIN"}, "name", "taken"),
		post("code taken, other case", map[string]any{"name": "X", "code": "ber"}, "code", "taken"),
		post("code too long", map[string]any{"name": "X", "code": hierRepeat(33)}, "code", "too_long", "32"),
		post("description too long", map[string]any{"name": "X", "description": hierRepeat(4001)}, "description", "too_long"),
		post("location too long", map[string]any{"name": "X", "location": hierRepeat(501)}, "location", "too_long"),
		post("contact too long", map[string]any{"name": "X", "contact": hierRepeat(501)}, "contact", "too_long"),
		post("unknown timezone", map[string]any{"name": "X", "timezone": "Mars/Olympus"}, "timezone", "invalid"),
		post("server-local timezone", map[string]any{"name": "X", "timezone": "Local"}, "timezone", "invalid"),
		post("timezone too long", map[string]any{"name": "X", "timezone": hierRepeat(65)}, "timezone", "too_long"),
		post("status", map[string]any{"name": "X", "status": "closed"}, "status", "invalid"),
		post("latitude without longitude", map[string]any{"name": "X", "latitude": 1.5}, "longitude", "required"),
		post("longitude without latitude", map[string]any{"name": "X", "longitude": 1.5}, "latitude", "required"),
		post("latitude out of range", map[string]any{"name": "X", "latitude": 90.5, "longitude": 0}, "latitude", "out_of_range"),
		post("longitude out of range", map[string]any{"name": "X", "latitude": 0, "longitude": -180.01}, "longitude", "out_of_range"),
		post("latitude not a number", map[string]any{"name": "X", "latitude": "north", "longitude": 0}, "latitude", "invalid_type"),
		post("unknown field", map[string]any{"name": "X", "address": "Somewhere"}, "address", "unknown_field"),
		{Name: "every error at once", Method: "POST", Path: hierSitesURL, Headers: h, Status: 422,
			Body:  map[string]any{"name": "munich", "code": "muc", "status": "x", "timezone": "Nowhere", "latitude": 100},
			Check: hierOnlyFields("status", "timezone", "longitude", "latitude")},
	})
	apitest.Run(t, e.Server.App(), "update", []apitest.Case{
		patch("version missing", map[string]any{"name": "New"}, "version", "required"),
		patch("name emptied", map[string]any{"name": "", "version": 1}, "name", "required"),
		patch("name null", map[string]any{"name": nil, "version": 1}, "name", "required"),
		patch("name taken", map[string]any{"name": "Munich", "version": 1}, "name", "taken"),
		patch("code taken", map[string]any{"code": "MUC", "version": 1}, "code", "taken"),
		patch("status null", map[string]any{"status": nil, "version": 1}, "status", "invalid"),
		patch("timezone", map[string]any{"timezone": "Berlin", "version": 1}, "timezone", "invalid"),
		patch("half a position", map[string]any{"latitude": 10, "version": 1}, "longitude", "required"),
		patch("longitude out of range", map[string]any{"latitude": 10, "longitude": 181, "version": 1}, "longitude", "out_of_range"),
		patch("description too long", map[string]any{"description": hierRepeat(4001), "version": 1}, "description", "too_long"),
		patch("unknown field", map[string]any{"counts": map[string]int{"zones": 1}, "version": 1}, "counts", "unknown_field"),
	})
	hierOK(t, e.Do(t, "PATCH", hierSitesURL+"/"+id, map[string]any{"latitude": 10, "longitude": 20, "version": 1}, h))
	apitest.Run(t, e.Server.App(), "update against the stored site", []apitest.Case{
		patch("clearing one coordinate", map[string]any{"latitude": nil, "version": 2}, "latitude", "required"),
	})
	apitest.Run(t, e.Server.App(), "list", []apitest.Case{
		{Name: "status filter", Method: "GET", Path: hierSitesURL + "?status=closed", Headers: h, Status: 422, Check: hierFieldError("status", "invalid")},
		{Name: "q too long", Method: "GET", Path: hierSitesURL + "?q=" + hierRepeat(201), Headers: h, Status: 422, Check: hierFieldError("q", "too_long")},
		{Name: "bad cursor", Method: "GET", Path: hierSitesURL + "?cursor=%%%", Headers: h, Status: 400, Code: "invalid_cursor"},
		{Name: "bad limit", Method: "GET", Path: hierSitesURL + "?limit=0", Headers: h, Status: 422, Check: hierFieldError("limit", "invalid")},
	})
	apitest.Run(t, e.Server.App(), "malformed", []apitest.Case{
		{Name: "broken JSON", Method: "POST", Path: hierSitesURL, Body: `{"name":`, Headers: h, Status: 400, Code: "malformed_json"},
		{Name: "no JSON body", Method: "PATCH", Path: hierSitesURL + "/" + id, Headers: h, Status: 415, Code: "unsupported_media_type"},
	})
	apitest.Run(t, e.Server.App(), "nothing changed", []apitest.Case{
		{Name: "site as it was", Method: "GET", Path: hierSitesURL + "/" + id, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if s := hierDecode[cmdb.Site](t, r); s.Name != "Berlin" || s.Version != 2 {
				t.Fatalf("site: %+v", s)
			}
		}},
	})
}

func TestSitesPermissions(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	site := hierSite(t, e, admin, "Berlin").ID.String()
	reader := e.UserInGroup(t, tenantID, "ro@acme.example.com", "read_only")
	h := reader.Bearer()
	apitest.Run(t, e.Server.App(), "reads are allowed", []apitest.Case{
		{Name: "list", Method: "GET", Path: hierSitesURL, Headers: h, Status: 200},
		{Name: "get", Method: "GET", Path: hierSitesURL + "/" + site, Headers: h, Status: 200},
	})
	apitest.Run(t, e.Server.App(), "changes are denied", []apitest.Case{
		{Name: "create", Method: "POST", Path: hierSitesURL, Body: map[string]any{"name": "Mine"}, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "update", Method: "PATCH", Path: hierSitesURL + "/" + site, Body: map[string]any{"name": "Mine", "version": 1}, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "delete", Method: "DELETE", Path: hierSitesURL + "/" + site, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "preset", Method: "POST", Path: hierSitesURL + "/" + site + "/zones/preset", Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "no token", Method: "GET", Path: hierSitesURL, Status: 401},
	})
	apitest.Run(t, e.Server.App(), "nothing changed", []apitest.Case{
		{Name: "site as it was", Method: "GET", Path: hierSitesURL + "/" + site, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if s := hierDecode[cmdb.Site](t, r); s.Name != "Berlin" || s.Version != 1 || s.Counts.Zones != 0 {
				t.Fatalf("site: %+v", s)
			}
		}},
	})
}

func TestSitesConflict(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	h := admin.Bearer()
	site := hierSite(t, e, admin, "Berlin")
	id := site.ID.String()
	hierOK(t, e.Do(t, "PATCH", hierSitesURL+"/"+id, map[string]any{"code": "BER", "version": 1}, h))

	busy := hierSite(t, e, admin, "Busy")
	for _, name := range []string{"PLC 1", "PLC 2", "PLC 3"} {
		hierAsset(t, e, tenantID, busy.ID, name, nil)
	}
	hierDiagram(t, e, tenantID, busy.ID, "Overview")
	drawn := hierSite(t, e, admin, "Drawn")
	hierDiagram(t, e, tenantID, drawn.ID, "Overview")

	apitest.Run(t, e.Server.App(), "conflict", []apitest.Case{
		{Name: "stale version", Method: "PATCH", Path: hierSitesURL + "/" + id, Body: map[string]any{"name": "Late", "version": 1},
			Headers: h, Status: 409, Code: "version_conflict"},
		{Name: "future version", Method: "PATCH", Path: hierSitesURL + "/" + id, Body: map[string]any{"name": "Late", "version": 9},
			Headers: h, Status: 409, Code: "version_conflict"},
		{Name: "delete with assets and a diagram", Method: "DELETE", Path: hierSitesURL + "/" + busy.ID.String(), Headers: h,
			Status: 409, Code: "has_dependants", Check: func(t *testing.T, r *apitest.Response) {
				hierDetail("3 assets, 1 diagram")(t, r)
				hierFieldError("assets", "has_dependants", "3 assets")(t, r)
				hierFieldError("diagrams", "has_dependants", "1 diagram")(t, r)
				hierOnlyFields("assets", "diagrams")(t, r)
			}},
		{Name: "delete with a diagram only", Method: "DELETE", Path: hierSitesURL + "/" + drawn.ID.String(), Headers: h,
			Status: 409, Code: "has_dependants", Check: hierOnlyFields("diagrams")},
		{Name: "busy site still there", Method: "GET", Path: hierSitesURL + "/" + busy.ID.String(), Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if s := hierDecode[cmdb.Site](t, r); s.Counts.Assets != 3 {
					t.Fatalf("site: %+v", s)
				}
			}},
	})
	if entries := hierAudit(t, e, tenantID, "sites.delete"); len(entries) != 0 {
		t.Fatalf("refused deletions were audited: %+v", entries)
	}
}

func TestSitesCrossTenant(t *testing.T) {
	e := cloudtest.New(t)
	_, a := e.ActiveTenant(t, "tenant-a")
	tenantB, b := e.ActiveTenant(t, "tenant-b")
	hierSite(t, e, a, "A plant")
	siteB := hierPost[cmdb.Site](t, e, b, hierSitesURL, map[string]any{"name": "B plant", "code": "BP"})
	idB := siteB.ID.String()
	h := a.Bearer()
	var cases []apitest.Case
	for _, id := range []string{idB, "not-a-uuid", "00000000-0000-4000-8000-000000000000"} {
		cases = append(cases,
			apitest.Case{Name: "get " + id, Method: "GET", Path: hierSitesURL + "/" + id},
			apitest.Case{Name: "update " + id, Method: "PATCH", Path: hierSitesURL + "/" + id, Body: map[string]any{"name": "Mine now", "version": 1}},
			apitest.Case{Name: "delete " + id, Method: "DELETE", Path: hierSitesURL + "/" + id},
			apitest.Case{Name: "preset " + id, Method: "POST", Path: hierSitesURL + "/" + id + "/zones/preset"},
		)
	}
	for i := range cases {
		cases[i].Headers, cases[i].Status, cases[i].Code = h, 404, "not_found"
	}
	apitest.Run(t, e.Server.App(), "cross-tenant", cases)
	apitest.Run(t, e.Server.App(), "A's view of names", []apitest.Case{
		{Name: "list shows only A's", Method: "GET", Path: hierSitesURL, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if got := siteTestNames(siteTestPage(t, r).Items); got != "A plant" {
				t.Fatalf("A's list: %s", got)
			}
		}},
		{Name: "B's name and code are free in A", Method: "POST", Path: hierSitesURL, Body: map[string]any{"name": "B plant", "code": "BP"}, Headers: h, Status: 201},
	})
	apitest.Run(t, e.Server.App(), "B is untouched", []apitest.Case{
		{Name: "B's site", Method: "GET", Path: hierSitesURL + "/" + idB, Headers: b.Bearer(), Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if s := hierDecode[cmdb.Site](t, r); s.Name != "B plant" || s.Version != 1 || s.Counts.Zones != 0 {
				t.Fatalf("B's site: %+v", s)
			}
		}},
	})
	if entries := hierAudit(t, e, tenantB, "sites."); len(entries) != 1 {
		t.Fatalf("B's audit log: %+v", entries)
	}
}
