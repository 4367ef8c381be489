package releases_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/releases"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

func snapsOf(id uuid.UUID) string { return "/api/v1/devices/" + id.String() + "/snaps" }

func wantSnaps(agent, channel, latest string, update bool) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		got := decode[releases.DeviceSnaps](t, r)
		version := ""
		if got.Latest != nil {
			version = got.Latest.Version
			if got.Latest.DownloadURL == "" || got.Latest.Signature == "" || got.Latest.OS != got.OS || got.Latest.Arch != got.Arch {
				t.Fatalf("latest: %+v", got.Latest)
			}
		}
		if got.AgentVersion != agent || got.Channel != channel || version != latest || got.UpdateAvailable != update {
			t.Fatalf("snaps %+v (latest %q), want agent %q channel %q latest %q update %v", got, version, agent, channel, latest, update)
		}
	}
}

func TestDeviceSnaps(t *testing.T) {
	e := cloudtest.New(t)
	app := e.Server.App()
	acme, admin := e.ActiveTenant(t, "acme")
	globex, other := e.ActiveTenant(t, "globex")
	reader := e.UserInGroup(t, acme, "reader@acme.example.com", "read_only")
	behind := newDevice(t, e, acme, "1.1.0", "linux", "amd64")
	current := newDevice(t, e, acme, "1.2.0", "linux", "amd64")
	ahead := newDevice(t, e, acme, "1.3.0-dev", "linux", "amd64")
	unreported := newDevice(t, e, acme, "", "", "")
	lonely := newDevice(t, e, acme, "1.0.0", "linux", "riscv64")
	foreign := newDevice(t, e, globex, "1.0.0", "linux", "amd64")
	publish(t, e, releaseForm("1.1.0", "stable", "linux", "amd64", []byte("old")))
	publish(t, e, releaseForm("1.2.0", "stable", "linux", "amd64", []byte("new")))
	publish(t, e, releaseForm("1.5.0", "beta", "linux", "amd64", []byte("beta")))

	h := admin.Bearer()
	apitest.Run(t, app, "success", []apitest.Case{
		{Name: "an older agent can update", Method: "GET", Path: snapsOf(behind.id), Headers: h, Status: 200, Check: wantSnaps("1.1.0", "stable", "1.2.0", true)},
		{Name: "the latest agent", Method: "GET", Path: snapsOf(current.id), Headers: h, Status: 200, Check: wantSnaps("1.2.0", "stable", "1.2.0", false)},
		{Name: "a newer development agent", Method: "GET", Path: snapsOf(ahead.id), Headers: h, Status: 200, Check: wantSnaps("1.3.0-dev", "stable", "1.2.0", false)},
		{Name: "a device that never reported", Method: "GET", Path: snapsOf(unreported.id), Headers: h, Status: 200, Check: wantSnaps("", "stable", "", false)},
		{Name: "no build for its platform", Method: "GET", Path: snapsOf(lonely.id), Headers: h, Status: 200, Check: wantSnaps("1.0.0", "stable", "", false)},
		{Name: "read-only users may look", Method: "GET", Path: snapsOf(behind.id), Headers: reader.Bearer(), Status: 200, Check: wantSnaps("1.1.0", "stable", "1.2.0", true)},
	})
	apitest.Run(t, app, "not found", []apitest.Case{
		{Name: "unknown device", Method: "GET", Path: snapsOf(uuid.New()), Headers: h, Status: 404, Code: "not_found"},
		{Name: "malformed id", Method: "GET", Path: "/api/v1/devices/not-a-uuid/snaps", Headers: h, Status: 404, Code: "not_found"},
	})
	apitest.Run(t, app, "cross-tenant", []apitest.Case{
		{Name: "another tenant's device", Method: "GET", Path: snapsOf(foreign.id), Headers: h, Status: 404, Code: "not_found"},
		{Name: "and the other way round", Method: "GET", Path: snapsOf(behind.id), Headers: other.Bearer(), Status: 404, Code: "not_found"},
	})
	apitest.Run(t, app, "authentication", []apitest.Case{
		{Name: "no token", Method: "GET", Path: snapsOf(behind.id), Status: 401, Code: "unauthenticated"},
		{Name: "a device key is no user token", Method: "GET", Path: snapsOf(behind.id), Headers: behind.headers(), Status: 401, Code: "unauthenticated"},
	})
}

func TestDeviceSnapsPermission(t *testing.T) {
	e := cloudtest.New(t)
	acme, _ := e.ActiveTenant(t, "acme")
	dev := newDevice(t, e, acme, "1.0.0", "linux", "amd64")
	assetsOnly := e.UserWithPermissions(t, acme, "assets@acme.example.com", "assets.read")
	apitest.Run(t, e.Server.App(), "permission", []apitest.Case{
		{Name: "without devices.read", Method: "GET", Path: snapsOf(dev.id), Headers: assetsOnly.Bearer(), Status: 403, Code: "permission_denied"},
	})
	cloudtest.AssertRoutePermissions(t, e, map[string]map[string]string{"/api/v1/devices/{id}/snaps": {"get": "devices.read"}})
}
