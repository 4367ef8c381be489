package edge_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

const registerURL = "/api/v1/devices/register"

func TestRegistrationSuccess(t *testing.T) {
	f := newFleet(t)
	tenantID, admin := f.ActiveTenant(t, "acme")
	site := f.site(t, admin, "Plant A")
	bound := f.createKey(t, admin, map[string]any{"label": "Plant A", "site_id": site})
	free := f.createKey(t, admin, map[string]any{"label": "Anywhere"})
	var got edge.Registered
	apitest.Run(t, f.Server.App(), "register", []apitest.Case{
		{Name: "key in the header", Method: "POST", Path: registerURL, Body: registration("acme", "gw-1"),
			Headers: map[string]string{edge.ProvisioningKeyHeader: bound.Key}, Status: 201, Check: func(t *testing.T, r *apitest.Response) {
				got = decode[edge.Registered](t, r)
				if !strings.HasPrefix(got.DeviceKey, "dvc_") || got.TenantID != tenantID || got.IngestURL != cloudtest.IngestURL ||
					got.PollIntervalS != 10 || got.UploadIntervalS != 5 {
					t.Fatalf("registered: %+v", got)
				}
			}},
		{Name: "key in the body, facts trimmed", Method: "POST", Path: registerURL, Status: 201,
			Body: map[string]any{"account_name": "acme", "registration_key": free.Key, "name": " gw-2 "}},
	})
	d := decode[edge.Device](t, ok(t, f.Do(t, "GET", "/api/v1/devices/"+got.DeviceID.String(), nil, admin.Bearer()), 200))
	if d.SiteID == nil || *d.SiteID != site || d.Name != "gw-1" || d.Hostname != "gw-1.plant.local" || d.OS != "linux" ||
		d.Arch != "arm64" || d.AgentVersion != "1.2.0" || strings.Join(d.Capabilities, ",") != "discovery,modbus" ||
		d.Status != edge.DeviceNeverSeen || d.Type != "edgezu" || !strings.HasPrefix(got.DeviceKey, d.KeyPrefix) {
		t.Fatalf("device: %+v", d)
	}
	a := f.audit(t, tenantID, "devices.register")
	// The audit log's "Who" names the device.
	if len(a) != 2 || a[0].ActorType != "device" || a[0].ActorID == nil || *a[0].ActorID != got.DeviceID || a[0].ActorLabel != "gw-1" {
		t.Fatalf("audit: %+v", a)
	}
	// The new key works on the device API at once.
	ok(t, f.Do(t, "GET", "/api/v1/commands", nil, deviceKey(got)), 200)
}

func TestRegistrationRefused(t *testing.T) {
	f := newFleet(t)
	_, admin := f.ActiveTenant(t, "acme")
	f.ActiveTenant(t, "globex")
	good := f.createKey(t, admin, map[string]any{"label": "Good"})
	used := f.createKey(t, admin, map[string]any{"label": "Used", "max_uses": 1})
	f.register(t, used.Key, "acme", "first")
	expired := f.createKey(t, admin, map[string]any{"label": "Short", "expires_at": f.clock.now().Add(time.Minute)})
	revoked := f.createKey(t, admin, map[string]any{"label": "Revoked"})
	ok(t, f.Do(t, "DELETE", keysURL+"/"+revoked.ID.String(), nil, admin.Bearer()), 204)
	f.clock.advance(2 * time.Minute)
	bad := func(name, account, key string) apitest.Case {
		return apitest.Case{Name: name, Method: "POST", Path: registerURL, Body: registration(account, "gw"),
			Headers: map[string]string{edge.ProvisioningKeyHeader: key}, Status: 401, Code: "invalid_registration",
			Check: func(t *testing.T, r *apitest.Response) {
				if p := r.Problem(t); p.Detail != "The account name or registration key is not valid, or the key can no longer be used." {
					t.Fatalf("detail tells more: %s", r.Body)
				}
			}}
	}
	apitest.Run(t, f.Server.App(), "one answer for every bad credential", []apitest.Case{
		bad("unknown account", "nobody", good.Key),
		bad("another account", "globex", good.Key),
		bad("no account", "", good.Key),
		bad("NUL in the account", "acme\x00", good.Key),
		bad("no key", "acme", ""),
		bad("wrong key", "acme", good.Key+"x"),
		bad("not a registration key", "acme", "dvc_"+good.Key[5:]),
		bad("used up", "acme", used.Key),
		bad("expired", "acme", expired.Key),
		bad("revoked", "acme", revoked.Key),
	})
	facts := func(name string, change map[string]any, field, code string) apitest.Case {
		body := registration("acme", "gw")
		for k, v := range change {
			body[k] = v
		}
		return apitest.Case{Name: name, Method: "POST", Path: registerURL, Body: body,
			Headers: map[string]string{edge.ProvisioningKeyHeader: good.Key}, Status: 422, Code: "validation_failed", Check: fieldError(field, code)}
	}
	apitest.Run(t, f.Server.App(), "bad facts", []apitest.Case{
		facts("no name", map[string]any{"name": ""}, "name", "required"),
		facts("name too long", map[string]any{"name": strings.Repeat("x", 201)}, "name", "too_long"),
		facts("location too long", map[string]any{"location": strings.Repeat("x", 501)}, "location", "too_long"),
		facts("type", map[string]any{"type": "Edge Box"}, "type", "invalid"),
		facts("hostname", map[string]any{"hostname": "gw 1"}, "hostname", "invalid"),
		facts("hostname too long", map[string]any{"hostname": strings.Repeat("a", 254)}, "hostname", "too_long"),
		facts("agent version", map[string]any{"agent_version": "v 1"}, "agent_version", "invalid"),
		facts("os", map[string]any{"os": "Linux"}, "os", "invalid"),
		facts("arch", map[string]any{"arch": "arm-64"}, "arch", "invalid"),
		facts("capability", map[string]any{"capabilities": []string{"Modbus"}}, "capabilities[0]", "invalid"),
		facts("capability twice", map[string]any{"capabilities": []string{"a", "a"}}, "capabilities[1]", "duplicate"),
		facts("too many capabilities", map[string]any{"capabilities": make([]string, 65)}, "capabilities", "too_many"),
		facts("unknown field", map[string]any{"tenant_id": "x"}, "tenant_id", "unknown_field"),
		{Name: "malformed", Method: "POST", Path: registerURL, Body: "[", Status: 400, Code: "malformed_json"},
	})
	k := decode[edge.RegistrationKey](t, ok(t, f.Do(t, "GET", keysURL+"/"+good.ID.String(), nil, admin.Bearer()), 200))
	if k.Uses != 0 {
		t.Fatalf("refused registrations counted %d uses", k.Uses)
	}
}

func TestRegistrationTenantAndLicence(t *testing.T) {
	f := newFleet(t)
	tenantID, admin := f.ActiveTenant(t, "acme")
	key := f.createKey(t, admin, map[string]any{"label": "Fleet", "max_uses": 10})
	ctx := auth.WithPrincipal(context.Background(), auth.System(tenantID))
	if err := f.Services.Licensing.Apply(ctx, licensing.License{Plan: "small", Limits: map[string]int{"max_devices": 2},
		StartsAt: time.Now().Add(-time.Hour)}, "test"); err != nil {
		t.Fatal(err)
	}
	first := f.register(t, key.Key, "acme", "gw-1")
	f.register(t, key.Key, "acme", "gw-2")
	headers := map[string]string{edge.ProvisioningKeyHeader: key.Key}
	apitest.Run(t, f.Server.App(), "full fleet", []apitest.Case{
		{Name: "third device", Method: "POST", Path: registerURL, Body: registration("acme", "gw-3"), Headers: headers,
			Status: 403, Code: "licence_limit"},
	})
	ok(t, f.Do(t, "DELETE", "/api/v1/devices/"+first.DeviceID.String(), nil, admin.Bearer()), 204)
	apitest.Run(t, f.Server.App(), "a deregistered device frees its place", []apitest.Case{
		{Name: "third device", Method: "POST", Path: registerURL, Body: registration("acme", "gw-3"), Headers: headers, Status: 201},
	})
	f.exec(t, `UPDATE tenants SET status = 'suspended' WHERE id = $1`, tenantID)
	apitest.Run(t, f.Server.App(), "suspended", []apitest.Case{
		{Name: "refused", Method: "POST", Path: registerURL, Body: registration("acme", "gw-4"), Headers: headers, Status: 403, Code: "tenant_suspended"},
	})
	f.exec(t, `UPDATE tenants SET status = 'pending' WHERE id = $1`, tenantID)
	apitest.Run(t, f.Server.App(), "pending", []apitest.Case{
		{Name: "refused", Method: "POST", Path: registerURL, Body: registration("acme", "gw-4"), Headers: headers, Status: 403, Code: "tenant_pending"},
	})
	var uses int
	if err := f.admin.QueryRow(`SELECT uses FROM edge_registration_keys WHERE id = $1`, key.ID).Scan(&uses); err != nil || uses != 3 {
		t.Fatalf("uses = %d (%v), want 3: refusals count nothing", uses, err)
	}
}

// TestRegistrationNeverExceedsMaxUses races 20 registrations against a key
// for 5: exactly 5 succeed.
func TestRegistrationNeverExceedsMaxUses(t *testing.T) {
	f := newFleet(t)
	tenantID, admin := f.ActiveTenant(t, "acme")
	key := f.createKey(t, admin, map[string]any{"label": "Five", "max_uses": 5})
	const tries = 20
	statuses := make([]int, tries)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := apitest.Do(t, f.Server.App(), "POST", registerURL, registration("acme", "gw"),
				map[string]string{edge.ProvisioningKeyHeader: key.Key})
			statuses[i] = r.Status
		}()
	}
	close(start)
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	if counts[201] != 5 || counts[401] != tries-5 {
		t.Fatalf("answers %v, want 5 × 201 and %d × 401", counts, tries-5)
	}
	var devices, uses int
	if err := f.admin.QueryRow(`SELECT (SELECT count(*) FROM edge_devices WHERE tenant_id = $1), uses
		FROM edge_registration_keys WHERE id = $2`, tenantID, key.ID).Scan(&devices, &uses); err != nil {
		t.Fatal(err)
	}
	if devices != 5 || uses != 5 {
		t.Fatalf("%d devices and %d uses, want 5 and 5", devices, uses)
	}
}

func TestRegistrationCrossTenant(t *testing.T) {
	f := newFleet(t)
	_, a := f.ActiveTenant(t, "tenant-a")
	tenantB, b := f.ActiveTenant(t, "tenant-b")
	keyA := f.createKey(t, a, map[string]any{"label": "A"})
	siteB := f.site(t, b, "B's plant")
	keyB := f.createKey(t, b, map[string]any{"label": "B", "site_id": siteB})
	apitest.Run(t, f.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "A's key with B's account", Method: "POST", Path: registerURL, Body: registration("tenant-b", "gw"),
			Headers: map[string]string{edge.ProvisioningKeyHeader: keyA.Key}, Status: 401, Code: "invalid_registration"},
		{Name: "A cannot bind a key to B's site", Method: "POST", Path: keysURL, Body: map[string]any{"label": "x", "site_id": siteB},
			Headers: a.Bearer(), Status: 422, Check: fieldError("site_id", "not_found")},
	})
	got := f.register(t, keyB.Key, "tenant-b", "gw")
	if got.TenantID != tenantB {
		t.Fatalf("registered into %s, want B", got.TenantID)
	}
	apitest.Run(t, f.Server.App(), "the device is B's alone", []apitest.Case{
		{Name: "A does not see it", Method: "GET", Path: "/api/v1/devices/" + got.DeviceID.String(), Headers: a.Bearer(), Status: 404, Code: "not_found"},
	})
}
