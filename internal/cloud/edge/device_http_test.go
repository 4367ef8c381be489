package edge_test

import (
	"context"
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

const devicesURL = "/api/v1/devices"

func deviceNames(want string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var got []string
		for _, d := range decode[httpapi.Page[edge.Device]](t, r).Items {
			got = append(got, d.Name+":"+d.Status)
		}
		if strings.Join(got, ",") != want {
			t.Fatalf("devices %v, want %s", got, want)
		}
	}
}

func TestDevicesSuccess(t *testing.T) {
	f := newFleet(t)
	tenantID, admin := f.ActiveTenant(t, "acme")
	h := admin.Bearer()
	siteA, siteB := f.site(t, admin, "Plant A"), f.site(t, admin, "Plant B")
	keyA := f.createKey(t, admin, map[string]any{"label": "A", "site_id": siteA})
	alpha := f.register(t, keyA.Key, "acme", "alpha")
	beta := f.register(t, keyA.Key, "acme", "beta")
	gamma := f.device(t, admin, "acme", "gamma")
	// alpha calls now; beta called long ago; gamma never did.
	ok(t, f.Do(t, "GET", "/api/v1/commands", nil, deviceKey(alpha)), 200)
	ok(t, f.Do(t, "GET", "/api/v1/commands", nil, deviceKey(beta)), 200)
	if err := f.API.LastSeen.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.exec(t, `UPDATE edge_devices SET last_seen_at = now() - interval '10 minutes' WHERE id = $1`, beta.DeviceID)
	f.exec(t, `UPDATE edge_devices SET latest_telemetry = '{"cpu_percent": 12.5, "memory_percent": 40}', latest_telemetry_at = now(),
		ip_addresses = '{10.0.10.5, 192.168.1.5}' WHERE id = $1`, alpha.DeviceID)
	id := alpha.DeviceID.String()
	apitest.Run(t, f.Server.App(), "read", []apitest.Case{
		{Name: "all in name order", Method: "GET", Path: devicesURL, Headers: h, Status: 200,
			Check: deviceNames("alpha:online,beta:offline,gamma:never_seen")},
		{Name: "by site", Method: "GET", Path: devicesURL + "?site_id=" + siteA.String(), Headers: h, Status: 200, Check: deviceNames("alpha:online,beta:offline")},
		{Name: "online", Method: "GET", Path: devicesURL + "?status=online", Headers: h, Status: 200, Check: deviceNames("alpha:online")},
		{Name: "offline", Method: "GET", Path: devicesURL + "?status=offline", Headers: h, Status: 200, Check: deviceNames("beta:offline")},
		{Name: "never seen", Method: "GET", Path: devicesURL + "?status=never_seen", Headers: h, Status: 200, Check: deviceNames("gamma:never_seen")},
		{Name: "search", Method: "GET", Path: devicesURL + "?q=GAM", Headers: h, Status: 200, Check: deviceNames("gamma:never_seen")},
		{Name: "search is literal", Method: "GET", Path: devicesURL + "?q=%25", Headers: h, Status: 200, Check: deviceNames("")},
		{Name: "pages", Method: "GET", Path: devicesURL + "?limit=2", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			p := decode[httpapi.Page[edge.Device]](t, r)
			if len(p.Items) != 2 || p.NextCursor == nil {
				t.Fatalf("page: %s", r.Body)
			}
			deviceNames("gamma:never_seen")(t, ok(t, f.Do(t, "GET", devicesURL+"?limit=2&cursor="+*p.NextCursor, nil, h), 200))
		}},
		{Name: "detail", Method: "GET", Path: devicesURL + "/" + id, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			d := decode[edge.Device](t, r)
			if d.Status != edge.DeviceOnline || d.LastSeenAt == nil || d.LastSeenIP == nil || *d.SiteName != "Plant A" ||
				strings.Join(d.IPAddresses, ",") != "10.0.10.5,192.168.1.5" || !strings.Contains(string(d.LatestTelemetry), `"cpu_percent":12.5`) {
				t.Fatalf("device: %+v %s", d, d.LatestTelemetry)
			}
		}},
	})
	apitest.Run(t, f.Server.App(), "update", []apitest.Case{
		{Name: "name, site, location, roles", Method: "PATCH", Path: devicesURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"name": "alpha-1", "site_id": siteB, "location": "Rack 2", "roles": []string{"vpn_gateway", "sensor"}, "version": 1},
			Check: func(t *testing.T, r *apitest.Response) {
				d := decode[edge.Device](t, r)
				if d.Name != "alpha-1" || *d.SiteID != siteB || d.Location != "Rack 2" || strings.Join(d.Roles, ",") != "sensor,vpn_gateway" || d.Version != 2 {
					t.Fatalf("device: %+v", d)
				}
			}},
		{Name: "nothing changes", Method: "PATCH", Path: devicesURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"name": "alpha-1", "version": 2}, Check: func(t *testing.T, r *apitest.Response) {
				if d := decode[edge.Device](t, r); d.Version != 2 {
					t.Fatalf("version moved: %+v", d)
				}
			}},
		{Name: "out of its site", Method: "PATCH", Path: devicesURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"site_id": nil, "version": 2}, Check: func(t *testing.T, r *apitest.Response) {
				if d := decode[edge.Device](t, r); d.SiteID != nil || d.Version != 3 {
					t.Fatalf("device: %+v", d)
				}
			}},
	})
	if a := f.audit(t, tenantID, "devices.update"); len(a) != 2 || a[0].Changes["roles"] == nil || a[1].Changes["site_id"] == nil {
		t.Fatalf("audit: %+v", a)
	}
	apitest.Run(t, f.Server.App(), "deregister", []apitest.Case{
		{Name: "deregister", Method: "DELETE", Path: devicesURL + "/" + id, Headers: h, Status: 204},
		{Name: "the key is refused at once", Method: "GET", Path: "/api/v1/commands", Headers: deviceKey(alpha), Status: 401, Code: "invalid_device_key"},
		{Name: "again is a no-op", Method: "DELETE", Path: devicesURL + "/" + id, Headers: h, Status: 204},
		{Name: "left out of the list", Method: "GET", Path: devicesURL, Headers: h, Status: 200, Check: deviceNames("beta:offline,gamma:never_seen")},
		{Name: "listed on demand", Method: "GET", Path: devicesURL + "?status=deregistered", Headers: h, Status: 200, Check: deviceNames("alpha-1:deregistered")},
		{Name: "kept as history", Method: "GET", Path: devicesURL + "/" + id, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if d := decode[edge.Device](t, r); d.Status != edge.DeviceDeregistered || d.DeregisteredAt == nil || d.KeyPrefix != "" {
				t.Fatalf("device: %+v", d)
			}
		}},
		{Name: "no more changes", Method: "PATCH", Path: devicesURL + "/" + id, Headers: h, Body: map[string]any{"name": "x", "version": 4},
			Status: 409, Code: "device_deregistered"},
	})
	site := decode[struct {
		Counts struct {
			EdgeDevices int `json:"edge_devices"`
		} `json:"counts"`
	}](t, ok(t, f.Do(t, "GET", "/api/v1/sites/"+siteA.String(), nil, h), 200))
	if site.Counts.EdgeDevices != 1 {
		t.Fatalf("Plant A counts %d edge devices, want 1 (beta)", site.Counts.EdgeDevices)
	}
	if a := f.audit(t, tenantID, "devices.deregister"); len(a) != 1 || a[0].ResourceID != id {
		t.Fatalf("audit: %+v", a)
	}
	osName, arch, version, err := f.Services.Edge.DeviceRuntime(f.systemCtx(tenantID), gamma.DeviceID)
	if err != nil || osName != "linux" || arch != "arm64" || version != "1.2.0" {
		t.Fatalf("runtime: %q %q %q %v", osName, arch, version, err)
	}
}

func TestDevicesValidation(t *testing.T) {
	f := newFleet(t)
	_, admin := f.ActiveTenant(t, "acme")
	h := admin.Bearer()
	id := f.device(t, admin, "acme", "gw").DeviceID.String()
	patch := func(name string, body map[string]any, field, code string) apitest.Case {
		return apitest.Case{Name: name, Method: "PATCH", Path: devicesURL + "/" + id, Body: body, Headers: h, Status: 422,
			Code: "validation_failed", Check: fieldError(field, code)}
	}
	apitest.Run(t, f.Server.App(), "update", []apitest.Case{
		patch("no version", map[string]any{"name": "x"}, "version", "required"),
		patch("empty name", map[string]any{"name": " ", "version": 1}, "name", "required"),
		patch("location too long", map[string]any{"location": strings.Repeat("x", 501), "version": 1}, "location", "too_long"),
		patch("unknown role", map[string]any{"roles": []string{"router"}, "version": 1}, "roles[0]", "invalid"),
		patch("role twice", map[string]any{"roles": []string{"sensor", "sensor"}, "version": 1}, "roles[1]", "duplicate"),
		patch("unknown site", map[string]any{"site_id": "00000000-0000-4000-8000-000000000000", "version": 1}, "site_id", "not_found"),
		patch("unknown field", map[string]any{"os": "linux", "version": 1}, "os", "unknown_field"),
	})
	apitest.Run(t, f.Server.App(), "conflict", []apitest.Case{
		{Name: "first change", Method: "PATCH", Path: devicesURL + "/" + id, Body: map[string]any{"name": "gw-1", "version": 1}, Headers: h, Status: 200},
		{Name: "stale version", Method: "PATCH", Path: devicesURL + "/" + id, Body: map[string]any{"name": "gw-2", "version": 1}, Headers: h,
			Status: 409, Code: "version_conflict"},
	})
	apitest.Run(t, f.Server.App(), "list", []apitest.Case{
		{Name: "unknown status", Method: "GET", Path: devicesURL + "?status=lost", Headers: h, Status: 422, Check: fieldError("status", "invalid")},
		{Name: "bad site id", Method: "GET", Path: devicesURL + "?site_id=x", Headers: h, Status: 422, Check: fieldError("site_id", "invalid")},
		{Name: "unknown parameter", Method: "GET", Path: devicesURL + "?sort=name", Headers: h, Status: 422, Check: fieldError("sort", "unknown_parameter")},
		{Name: "q too long", Method: "GET", Path: devicesURL + "?q=" + strings.Repeat("x", 201), Headers: h, Status: 422, Check: fieldError("q", "too_long")},
	})
}

func TestDevicesPermissions(t *testing.T) {
	f := newFleet(t)
	tenantID, admin := f.ActiveTenant(t, "acme")
	id := f.device(t, admin, "acme", "gw").DeviceID.String()
	h := f.UserInGroup(t, tenantID, "ro@acme.example.com", "read_only").Bearer()
	apitest.Run(t, f.Server.App(), "reads are allowed", []apitest.Case{
		{Name: "list", Method: "GET", Path: devicesURL, Headers: h, Status: 200},
		{Name: "get", Method: "GET", Path: devicesURL + "/" + id, Headers: h, Status: 200},
	})
	apitest.Run(t, f.Server.App(), "changes are denied", []apitest.Case{
		{Name: "update", Method: "PATCH", Path: devicesURL + "/" + id, Body: map[string]any{"name": "x", "version": 1}, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "deregister", Method: "DELETE", Path: devicesURL + "/" + id, Headers: h, Status: 403, Code: "permission_denied"},
	})
	deviceNames("gw:never_seen")(t, ok(t, f.Do(t, "GET", devicesURL, nil, h), 200))
}

func TestDevicesCrossTenant(t *testing.T) {
	f := newFleet(t)
	_, a := f.ActiveTenant(t, "tenant-a")
	_, b := f.ActiveTenant(t, "tenant-b")
	f.device(t, a, "tenant-a", "mine")
	theirs := f.device(t, b, "tenant-b", "theirs")
	h := a.Bearer()
	var cases []apitest.Case
	for _, id := range []string{theirs.DeviceID.String(), "not-a-uuid"} {
		cases = append(cases,
			apitest.Case{Name: "get " + id, Method: "GET", Path: devicesURL + "/" + id},
			apitest.Case{Name: "update " + id, Method: "PATCH", Path: devicesURL + "/" + id, Body: map[string]any{"name": "x", "version": 1}},
			apitest.Case{Name: "deregister " + id, Method: "DELETE", Path: devicesURL + "/" + id})
	}
	for i := range cases {
		cases[i].Headers, cases[i].Status, cases[i].Code = h, 404, "not_found"
	}
	apitest.Run(t, f.Server.App(), "cross-tenant", cases)
	apitest.Run(t, f.Server.App(), "views", []apitest.Case{
		{Name: "A sees only A's", Method: "GET", Path: devicesURL, Headers: h, Status: 200, Check: deviceNames("mine:never_seen")},
		{Name: "B's device still works", Method: "GET", Path: "/api/v1/commands", Headers: deviceKey(theirs), Status: 200},
	})
}
