package cmdb_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// vlanTestList checks a VLAN list holds these numbers, in order.
func vlanTestList(want string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var got []string
		for _, v := range hierDecode[httpapi.Page[cmdb.VLAN]](t, r).Items {
			got = append(got, strconv.Itoa(v.Number))
		}
		if strings.Join(got, ",") != want {
			t.Fatalf("VLANs %v, want %s", got, want)
		}
	}
}

func vlanTestAddresses(cidr, gateway string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		v := hierDecode[cmdb.VLAN](t, r)
		str := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		if str(v.CIDR) != cidr || str(v.Gateway) != gateway {
			t.Fatalf("cidr %q gateway %q, want %q %q", str(v.CIDR), str(v.Gateway), cidr, gateway)
		}
	}
}

func TestVLANsSuccess(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	h := admin.Bearer()
	berlin := hierSite(t, e, admin, "Berlin")
	control := hierZone(t, e, admin, "Control", &berlin.ID, "2")
	field := hierZone(t, e, admin, "Field", &berlin.ID, "1")
	shared := hierZone(t, e, admin, "Shared", nil, "4")

	var vlan cmdb.VLAN
	apitest.Run(t, e.Server.App(), "create", []apitest.Case{
		{Name: "with network and gateway", Method: "POST", Path: hierVLANsURL, Headers: h, Status: 201,
			Body: map[string]any{"number": 10, "name": " PLCs ", "zone_id": control.ID, "cidr": "10.0.1.0/24", "gateway": "10.0.1.1"},
			Check: func(t *testing.T, r *apitest.Response) {
				vlan = hierDecode[cmdb.VLAN](t, r)
				if vlan.Number != 10 || vlan.Name != "PLCs" || *vlan.ZoneID != control.ID || vlan.ZoneName != "Control" ||
					*vlan.SiteID != berlin.ID || vlan.SiteName != "Berlin" || *vlan.CIDR != "10.0.1.0/24" || *vlan.Gateway != "10.0.1.1" ||
					vlan.AssetCount != 0 || vlan.Version != 1 || vlan.CreatedAt.IsZero() {
					t.Fatalf("VLAN: %+v", vlan)
				}
			}},
		{Name: "the same number in another zone", Method: "POST", Path: hierVLANsURL, Headers: h, Status: 201,
			Body: map[string]any{"number": 10, "zone_id": field.ID}},
		{Name: "without a zone", Method: "POST", Path: hierVLANsURL, Headers: h, Status: 201, Body: map[string]any{"number": 10},
			Check: func(t *testing.T, r *apitest.Response) {
				v := hierDecode[cmdb.VLAN](t, r)
				if v.ZoneID != nil || v.SiteID != nil || v.ZoneName != "" || v.CIDR != nil || v.Gateway != nil {
					t.Fatalf("VLAN: %+v", v)
				}
			}},
		{Name: "in a zone without a site", Method: "POST", Path: hierVLANsURL, Headers: h, Status: 201, Body: map[string]any{"number": 4094, "zone_id": shared.ID},
			Check: func(t *testing.T, r *apitest.Response) {
				if v := hierDecode[cmdb.VLAN](t, r); v.ZoneName != "Shared" || v.SiteID != nil || v.SiteName != "" {
					t.Fatalf("VLAN: %+v", v)
				}
			}},
		{Name: "IPv6, normalised", Method: "POST", Path: hierVLANsURL, Headers: h, Status: 201,
			Body:  map[string]any{"number": 1, "zone_id": field.ID, "cidr": "2001:DB8:0:1::/64", "gateway": "2001:db8:0:1:0:0:0:1"},
			Check: vlanTestAddresses("2001:db8:0:1::/64", "2001:db8:0:1::1")},
		{Name: "a /31 uses both addresses", Method: "POST", Path: hierVLANsURL, Headers: h, Status: 201,
			Body: map[string]any{"number": 2, "zone_id": field.ID, "cidr": "192.168.0.0/31", "gateway": "192.168.0.0"}, Check: vlanTestAddresses("192.168.0.0/31", "192.168.0.0")},
		{Name: "network without gateway", Method: "POST", Path: hierVLANsURL, Headers: h, Status: 201,
			Body: map[string]any{"number": 3, "zone_id": field.ID, "cidr": " 172.16.0.0/12 "}, Check: vlanTestAddresses("172.16.0.0/12", "")},
	})
	id := vlan.ID.String()
	hierAsset(t, e, tenantID, berlin.ID, "PLC 1", nil, vlan.ID)
	hierAsset(t, e, tenantID, berlin.ID, "PLC 2", nil, vlan.ID)

	apitest.Run(t, e.Server.App(), "read", []apitest.Case{
		{Name: "get with asset count", Method: "GET", Path: hierVLANsURL + "/" + id, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if v := hierDecode[cmdb.VLAN](t, r); v.AssetCount != 2 || v.SiteName != "Berlin" {
				t.Fatalf("VLAN: %+v", v)
			}
		}},
		{Name: "list in number order", Method: "GET", Path: hierVLANsURL, Headers: h, Status: 200, Check: vlanTestList("1,2,3,10,10,10,4094")},
		{Name: "zone filter", Method: "GET", Path: hierVLANsURL + "?zone_id=" + field.ID.String(), Headers: h, Status: 200, Check: vlanTestList("1,2,3,10")},
		{Name: "site filter, through the zones", Method: "GET", Path: hierVLANsURL + "?site_id=" + berlin.ID.String(), Headers: h, Status: 200, Check: vlanTestList("1,2,3,10,10")},
		{Name: "number filter", Method: "GET", Path: hierVLANsURL + "?number=10", Headers: h, Status: 200, Check: vlanTestList("10,10,10")},
		{Name: "filters combine", Method: "GET", Path: hierVLANsURL + "?number=10&zone_id=" + control.ID.String(), Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				p := hierDecode[httpapi.Page[cmdb.VLAN]](t, r)
				if len(p.Items) != 1 || p.Items[0].AssetCount != 2 || p.Items[0].ZoneName != "Control" {
					t.Fatalf("list: %s", r.Body)
				}
			}},
	})
	var pages []string
	path := hierVLANsURL + "?limit=3"
	for range 4 {
		r := hierOK(t, e.Do(t, "GET", path, nil, h))
		p := hierDecode[httpapi.Page[cmdb.VLAN]](t, r)
		var nums []string
		for _, v := range p.Items {
			nums = append(nums, strconv.Itoa(v.Number))
		}
		pages = append(pages, strings.Join(nums, ","))
		if p.NextCursor == nil {
			break
		}
		path = hierVLANsURL + "?limit=3&cursor=" + *p.NextCursor
	}
	if strings.Join(pages, "|") != "1,2,3|10,10,10|4094" {
		t.Fatalf("pages: %v", pages)
	}

	apitest.Run(t, e.Server.App(), "update", []apitest.Case{
		{Name: "number and name", Method: "PATCH", Path: hierVLANsURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"number": 11, "name": "Controllers", "version": 1},
			Check: func(t *testing.T, r *apitest.Response) {
				if v := hierDecode[cmdb.VLAN](t, r); v.Number != 11 || v.Name != "Controllers" || v.Version != 2 || *v.Gateway != "10.0.1.1" {
					t.Fatalf("VLAN: %+v", v)
				}
			}},
		{Name: "a new network keeps a gateway inside it", Method: "PATCH", Path: hierVLANsURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"cidr": "10.0.0.0/16", "version": 2}, Check: vlanTestAddresses("10.0.0.0/16", "10.0.1.1")},
		{Name: "null clears network and gateway", Method: "PATCH", Path: hierVLANsURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"cidr": nil, "gateway": "", "version": 3}, Check: vlanTestAddresses("", "")},
		{Name: "move to another zone of the assets' site", Method: "PATCH", Path: hierVLANsURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"zone_id": field.ID, "version": 4},
			Check: func(t *testing.T, r *apitest.Response) {
				if v := hierDecode[cmdb.VLAN](t, r); v.ZoneName != "Field" || v.SiteName != "Berlin" || v.AssetCount != 2 {
					t.Fatalf("VLAN: %+v", v)
				}
			}},
		{Name: "into a zone without a site", Method: "PATCH", Path: hierVLANsURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"zone_id": shared.ID, "version": 5}},
		{Name: "out of any zone", Method: "PATCH", Path: hierVLANsURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"zone_id": nil, "version": 6},
			Check: func(t *testing.T, r *apitest.Response) {
				if v := hierDecode[cmdb.VLAN](t, r); v.ZoneID != nil || v.SiteID != nil || v.Version != 7 {
					t.Fatalf("VLAN: %+v", v)
				}
			}},
	})
	cleared := hierAudit(t, e, tenantID, "vlans.update")[2]
	hierChange(t, cleared, "cidr", `"10.0.0.0/16"`, ``)
	hierChange(t, cleared, "gateway", `"10.0.1.1"`, ``)

	spare := hierVLAN(t, e, admin, 99, &control.ID)
	apitest.Run(t, e.Server.App(), "delete", []apitest.Case{
		{Name: "delete", Method: "DELETE", Path: hierVLANsURL + "/" + spare.ID.String(), Headers: h, Status: 204},
		{Name: "gone", Method: "GET", Path: hierVLANsURL + "/" + spare.ID.String(), Headers: h, Status: 404, Code: "not_found"},
	})
	del := hierLastAudit(t, e, tenantID, "vlans.delete", spare.ID.String())
	hierChange(t, del, "number", `99`, ``)
}

func TestVLANsValidation(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	h := admin.Bearer()
	berlin, munich := hierSite(t, e, admin, "Berlin"), hierSite(t, e, admin, "Munich")
	control := hierZone(t, e, admin, "Control", &berlin.ID, "2")
	remote := hierZone(t, e, admin, "Remote", &munich.ID, "2")
	hierVLAN(t, e, admin, 20, &control.ID)
	hierVLAN(t, e, admin, 30, nil)
	vlan := hierPost[cmdb.VLAN](t, e, admin, hierVLANsURL, map[string]any{"number": 10, "zone_id": control.ID, "cidr": "10.0.1.0/24", "gateway": "10.0.1.1"})
	hierAsset(t, e, tenantID, berlin.ID, "PLC", nil, vlan.ID)
	id := vlan.ID.String()
	post := func(name string, body map[string]any, field, code string, words ...string) apitest.Case {
		if _, ok := body["number"]; !ok {
			body["number"] = 100
		}
		return apitest.Case{Name: name, Method: "POST", Path: hierVLANsURL, Body: body, Headers: h, Status: 422,
			Code: "validation_failed", Check: hierFieldError(field, code, words...)}
	}
	patch := func(name string, body map[string]any, field, code string, words ...string) apitest.Case {
		return apitest.Case{Name: name, Method: "PATCH", Path: hierVLANsURL + "/" + id, Body: body, Headers: h, Status: 422,
			Code: "validation_failed", Check: hierFieldError(field, code, words...)}
	}
	apitest.Run(t, e.Server.App(), "create", []apitest.Case{
		post("number missing", map[string]any{"number": 0}, "number", "out_of_range"),
		post("number 4095", map[string]any{"number": 4095}, "number", "out_of_range"),
		post("number negative", map[string]any{"number": -1}, "number", "out_of_range"),
		post("number not whole", map[string]any{"number": 10.5}, "number", "invalid_type"),
		post("number taken in the zone", map[string]any{"number": 20, "zone_id": control.ID}, "number", "taken", "VLAN 20", "this zone"),
		post("number taken among zone-less VLANs", map[string]any{"number": 30}, "number", "taken", "without a zone"),
		post("name too long", map[string]any{"name": hierRepeat(201)}, "name", "too_long"),
		post("unknown zone", map[string]any{"zone_id": "00000000-0000-4000-8000-000000000000"}, "zone_id", "not_found"),
		post("zone id malformed", map[string]any{"zone_id": "control"}, "zone_id", "invalid"),
		post("cidr not a network", map[string]any{"cidr": "10.0.1.0"}, "cidr", "invalid"),
		post("cidr garbage", map[string]any{"cidr": "office lan"}, "cidr", "invalid"),
		post("cidr prefix too long", map[string]any{"cidr": "10.0.0.0/33"}, "cidr", "invalid"),
		post("cidr with host bits", map[string]any{"cidr": "10.0.1.5/24"}, "cidr", "host_bits", "10.0.1.0/24"),
		post("IPv6 cidr with host bits", map[string]any{"cidr": "2001:db8::1/64"}, "cidr", "host_bits", "2001:db8::/64"),
		post("gateway without cidr", map[string]any{"gateway": "10.0.1.1"}, "gateway", "requires_cidr"),
		post("gateway garbage", map[string]any{"cidr": "10.0.1.0/24", "gateway": "router"}, "gateway", "invalid"),
		post("gateway with a zone index", map[string]any{"cidr": "fe80::/64", "gateway": "fe80::1%eth0"}, "gateway", "invalid"),
		post("gateway outside", map[string]any{"cidr": "10.0.1.0/24", "gateway": "10.0.2.1"}, "gateway", "outside_cidr", "10.0.1.0/24"),
		post("gateway of the other family", map[string]any{"cidr": "10.0.1.0/24", "gateway": "2001:db8::1"}, "gateway", "outside_cidr"),
		post("gateway is the network address", map[string]any{"cidr": "10.0.1.0/24", "gateway": "10.0.1.0"}, "gateway", "network_address"),
		post("gateway is the broadcast address", map[string]any{"cidr": "10.0.1.0/24", "gateway": "10.0.1.255"}, "gateway", "broadcast_address"),
		post("gateway of a single-address network", map[string]any{"cidr": "10.0.1.7/32", "gateway": "10.0.1.7"}, "gateway", "outside_cidr"),
		post("unknown field", map[string]any{"site_id": berlin.ID}, "site_id", "unknown_field"),
		{Name: "every field at once", Method: "POST", Path: hierVLANsURL, Headers: h, Status: 422,
			Body:  map[string]any{"number": 5000, "name": hierRepeat(201), "cidr": "10.0.0.1/8", "gateway": "x"},
			Check: hierOnlyFields("number", "name", "cidr", "gateway")},
	})
	apitest.Run(t, e.Server.App(), "update", []apitest.Case{
		patch("version missing", map[string]any{"name": "X"}, "version", "required"),
		patch("number", map[string]any{"number": 0, "version": 1}, "number", "out_of_range"),
		patch("number taken", map[string]any{"number": 20, "version": 1}, "number", "taken"),
		patch("cidr with host bits", map[string]any{"cidr": "10.0.1.1/24", "version": 1}, "cidr", "host_bits", "10.0.1.0/24"),
		patch("a network leaving the gateway outside", map[string]any{"cidr": "10.0.2.0/24", "version": 1}, "gateway", "outside_cidr"),
		patch("removing the network under a gateway", map[string]any{"cidr": nil, "version": 1}, "gateway", "requires_cidr"),
		patch("gateway outside", map[string]any{"gateway": "10.9.9.9", "version": 1}, "gateway", "outside_cidr"),
		patch("unknown zone", map[string]any{"zone_id": "00000000-0000-4000-8000-000000000000", "version": 1}, "zone_id", "not_found"),
		patch("zone id malformed", map[string]any{"zone_id": "1234", "version": 1}, "zone_id", "invalid"),
		patch("a zone of another site than its assets'", map[string]any{"zone_id": remote.ID, "version": 1}, "zone_id", "assets_in_other_site", "1 asset"),
	})
	apitest.Run(t, e.Server.App(), "list", []apitest.Case{
		{Name: "zone filter", Method: "GET", Path: hierVLANsURL + "?zone_id=x", Headers: h, Status: 422, Check: hierFieldError("zone_id", "invalid")},
		{Name: "site filter", Method: "GET", Path: hierVLANsURL + "?site_id=x", Headers: h, Status: 422, Check: hierFieldError("site_id", "invalid")},
		{Name: "number filter", Method: "GET", Path: hierVLANsURL + "?number=4095", Headers: h, Status: 422, Check: hierFieldError("number", "invalid")},
		{Name: "number filter not a number", Method: "GET", Path: hierVLANsURL + "?number=ten", Headers: h, Status: 422, Check: hierFieldError("number", "invalid")},
	})
	apitest.Run(t, e.Server.App(), "nothing changed", []apitest.Case{
		{Name: "VLAN as it was", Method: "GET", Path: hierVLANsURL + "/" + id, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if v := hierDecode[cmdb.VLAN](t, r); v.Version != 1 || v.Number != 10 || *v.ZoneID != control.ID || *v.CIDR != "10.0.1.0/24" {
				t.Fatalf("VLAN: %+v", v)
			}
		}},
	})
}

func TestVLANsPermissions(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	vlan := hierVLAN(t, e, admin, 10, nil).ID.String()
	h := e.UserInGroup(t, tenantID, "ro@acme.example.com", "read_only").Bearer()
	apitest.Run(t, e.Server.App(), "reads are allowed", []apitest.Case{
		{Name: "list", Method: "GET", Path: hierVLANsURL, Headers: h, Status: 200},
		{Name: "get", Method: "GET", Path: hierVLANsURL + "/" + vlan, Headers: h, Status: 200},
	})
	apitest.Run(t, e.Server.App(), "changes are denied", []apitest.Case{
		{Name: "create", Method: "POST", Path: hierVLANsURL, Body: map[string]any{"number": 11}, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "update", Method: "PATCH", Path: hierVLANsURL + "/" + vlan, Body: map[string]any{"number": 12, "version": 1}, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "delete", Method: "DELETE", Path: hierVLANsURL + "/" + vlan, Headers: h, Status: 403, Code: "permission_denied"},
	})
	apitest.Run(t, e.Server.App(), "nothing changed", []apitest.Case{
		{Name: "one VLAN, as it was", Method: "GET", Path: hierVLANsURL, Headers: h, Status: 200, Check: vlanTestList("10")},
	})
}

func TestVLANsConflict(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	h := admin.Bearer()
	site := hierSite(t, e, admin, "Berlin")
	zone := hierZone(t, e, admin, "Control", &site.ID, "2")
	vlan := hierVLAN(t, e, admin, 10, &zone.ID)
	id := vlan.ID.String()
	hierOK(t, e.Do(t, "PATCH", hierVLANsURL+"/"+id, map[string]any{"name": "PLCs", "version": 1}, h))
	for _, name := range []string{"PLC 1", "PLC 2", "PLC 3", "PLC 4"} {
		hierAsset(t, e, tenantID, site.ID, name, nil, vlan.ID)
	}
	apitest.Run(t, e.Server.App(), "conflict", []apitest.Case{
		{Name: "stale version", Method: "PATCH", Path: hierVLANsURL + "/" + id, Body: map[string]any{"name": "Late", "version": 1},
			Headers: h, Status: 409, Code: "version_conflict"},
		{Name: "delete with assets", Method: "DELETE", Path: hierVLANsURL + "/" + id, Headers: h, Status: 409, Code: "has_dependants",
			Check: func(t *testing.T, r *apitest.Response) {
				hierDetail("4 assets")(t, r)
				hierFieldError("assets", "has_dependants", "4 assets")(t, r)
			}},
		{Name: "the site is blocked by the same assets", Method: "DELETE", Path: hierSitesURL + "/" + site.ID.String(), Headers: h, Status: 409,
			Code: "has_dependants", Check: hierDetail("4 assets")},
		{Name: "the zone by its VLAN", Method: "DELETE", Path: hierZonesURL + "/" + zone.ID.String(), Headers: h, Status: 409,
			Code: "has_dependants", Check: hierDetail("1 VLAN")},
		{Name: "still there", Method: "GET", Path: hierVLANsURL + "/" + id, Headers: h, Status: 200},
	})
}

func TestVLANsCrossTenant(t *testing.T) {
	e := cloudtest.New(t)
	_, a := e.ActiveTenant(t, "tenant-a")
	tenantB, b := e.ActiveTenant(t, "tenant-b")
	hierVLAN(t, e, a, 10, nil)
	siteB := hierSite(t, e, b, "B plant")
	zoneB := hierZone(t, e, b, "B zone", &siteB.ID, "1")
	vlanB := hierVLAN(t, e, b, 20, &zoneB.ID)
	h := a.Bearer()
	var cases []apitest.Case
	for _, id := range []string{vlanB.ID.String(), zoneB.ID.String(), "not-a-uuid"} {
		cases = append(cases,
			apitest.Case{Name: "get " + id, Method: "GET", Path: hierVLANsURL + "/" + id},
			apitest.Case{Name: "update " + id, Method: "PATCH", Path: hierVLANsURL + "/" + id, Body: map[string]any{"name": "Mine now", "version": 1}},
			apitest.Case{Name: "delete " + id, Method: "DELETE", Path: hierVLANsURL + "/" + id},
		)
	}
	for i := range cases {
		cases[i].Headers, cases[i].Status, cases[i].Code = h, 404, "not_found"
	}
	apitest.Run(t, e.Server.App(), "cross-tenant", cases)
	apitest.Run(t, e.Server.App(), "B's zone is no zone for A", []apitest.Case{
		{Name: "create a VLAN in it", Method: "POST", Path: hierVLANsURL, Body: map[string]any{"number": 30, "zone_id": zoneB.ID},
			Headers: h, Status: 422, Check: hierFieldError("zone_id", "not_found")},
		{Name: "list by B's zone", Method: "GET", Path: hierVLANsURL + "?zone_id=" + zoneB.ID.String(), Headers: h, Status: 200, Check: vlanTestList("")},
		{Name: "list by B's site", Method: "GET", Path: hierVLANsURL + "?site_id=" + siteB.ID.String(), Headers: h, Status: 200, Check: vlanTestList("")},
		{Name: "list shows only A's", Method: "GET", Path: hierVLANsURL, Headers: h, Status: 200, Check: vlanTestList("10")},
	})
	apitest.Run(t, e.Server.App(), "B is untouched", []apitest.Case{
		{Name: "B's VLAN", Method: "GET", Path: hierVLANsURL + "/" + vlanB.ID.String(), Headers: b.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if v := hierDecode[cmdb.VLAN](t, r); v.Version != 1 || v.Name != "VLAN 20" {
					t.Fatalf("B's VLAN: %+v", v)
				}
			}},
	})
	if entries := hierAudit(t, e, tenantB, "vlans."); len(entries) != 1 {
		t.Fatalf("B's audit log: %+v", entries)
	}
}
