package cmdb_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
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
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

const discoveredURL = "/api/v1/discovered"

// discoveryFixture is a tenant with two sites (written through the
// superuser connection) whose edge device reports observations through
// the service, as the ingestor will.
type discoveryFixture struct {
	t              *testing.T
	e              *cloudtest.Env
	tenant         uuid.UUID
	admin          cloudtest.Session
	db             *sql.DB
	plant1, plant2 uuid.UUID
	device         uuid.UUID
	clock          time.Time
}

func newDiscoveryFixture(t *testing.T, e *cloudtest.Env, account string) *discoveryFixture {
	t.Helper()
	f := &discoveryFixture{t: t, e: e, device: uuid.New(), clock: time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Second)}
	f.tenant, f.admin = e.ActiveTenant(t, account)
	db, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	f.db = db
	f.plant1 = f.insert(`INSERT INTO sites (tenant_id, name) VALUES ($1, 'Plant 1') RETURNING id`)
	f.plant2 = f.insert(`INSERT INTO sites (tenant_id, name) VALUES ($1, 'Plant 2') RETURNING id`)
	return f
}

func (f *discoveryFixture) insert(query string, args ...any) uuid.UUID {
	f.t.Helper()
	var id uuid.UUID
	if err := f.db.QueryRow(query, append([]any{f.tenant}, args...)...).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// count runs a count(*) query of the tenant ($1).
func (f *discoveryFixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(query, append([]any{f.tenant}, args...)...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *discoveryFixture) ctx() context.Context {
	return auth.WithPrincipal(context.Background(), auth.System(f.tenant))
}

// tick is a sighting time, later than every one before.
func (f *discoveryFixture) tick() time.Time {
	f.clock = f.clock.Add(time.Minute)
	return f.clock
}

// reconcile reports observations of site, each stamped with a later time
// unless it has one, and fails the test on an error.
func (f *discoveryFixture) reconcile(site uuid.UUID, obs ...cmdb.Observation) cmdb.ReconcileResult {
	f.t.Helper()
	for i := range obs {
		if obs[i].ObservedAt.IsZero() {
			obs[i].ObservedAt = f.tick()
		}
	}
	r, err := f.e.Services.CMDB.Reconcile(f.ctx(), site, f.device, obs)
	if err != nil {
		f.t.Fatalf("reconcile: %v", err)
	}
	return r
}

// person creates an asset through the API, as a person would.
func (f *discoveryFixture) person(body map[string]any) cmdb.Asset {
	f.t.Helper()
	if _, ok := body["site_id"]; !ok {
		body["site_id"] = f.plant1
	}
	for k, v := range map[string]any{"category": "ot", "type": "plc"} {
		if _, ok := body[k]; !ok {
			body[k] = v
		}
	}
	r := f.e.Do(f.t, http.MethodPost, "/api/v1/assets", body, f.admin.Bearer())
	if r.Status != http.StatusCreated {
		f.t.Fatalf("create asset: %d %s", r.Status, r.Body)
	}
	var a cmdb.Asset
	r.JSON(f.t, &a)
	return a
}

// get answers 200 with a JSON body decoded into out.
func (f *discoveryFixture) get(path string, out any) {
	f.t.Helper()
	r := f.e.Do(f.t, http.MethodGet, path, nil, f.admin.Bearer())
	if r.Status != http.StatusOK {
		f.t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	r.JSON(f.t, out)
}

func (f *discoveryFixture) asset(id uuid.UUID) cmdb.AssetDetail {
	f.t.Helper()
	var d cmdb.AssetDetail
	f.get("/api/v1/assets/"+id.String(), &d)
	return d
}

// queue is the review queue (of one site when site is set).
func (f *discoveryFixture) queue(site uuid.UUID) []cmdb.Asset {
	f.t.Helper()
	path := discoveredURL
	if site != uuid.Nil {
		path += "?site_id=" + site.String()
	}
	var page httpapi.Page[cmdb.Asset]
	f.get(path, &page)
	return page.Items
}

// post sends an action with the admin's session.
func (f *discoveryFixture) post(path string, body any) *apitest.Response {
	f.t.Helper()
	return f.e.Do(f.t, http.MethodPost, path, body, f.admin.Bearer())
}

// events lists the payloads of the tenant's domain events of a type.
func (f *discoveryFixture) events(typ string) []map[string]any {
	f.t.Helper()
	rows, err := f.db.Query(`SELECT payload FROM domain_events WHERE tenant_id = $1 AND type = $2 ORDER BY seq`, f.tenant, typ)
	if err != nil {
		f.t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var out []map[string]any
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			f.t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// audits lists the tenant's audit actions on a resource, oldest first.
func (f *discoveryFixture) audits(resourceID uuid.UUID) []string {
	f.t.Helper()
	rows, err := f.db.Query(`SELECT action FROM audit_log WHERE tenant_id = $1 AND resource_id = $2 ORDER BY at, id`, f.tenant, resourceID.String())
	if err != nil {
		f.t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func (f *discoveryFixture) observations(asset uuid.UUID) int {
	return f.count(`SELECT count(*) FROM asset_observations WHERE tenant_id = $1 AND asset_id = $2`, asset)
}

func discoveryWant(t *testing.T, got cmdb.ReconcileResult, matched, created, ignored, drift int) {
	t.Helper()
	if got.Matched != matched || got.Created != created || got.Ignored != ignored || got.DriftOpened != drift || len(got.Errors) != 0 {
		t.Fatalf("result = %+v, want matched %d, created %d, ignored %d, drift %d", got, matched, created, ignored, drift)
	}
}

func discoveryStatus(t *testing.T, r *apitest.Response, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if code != "" && r.Problem(t).Code != code {
		t.Fatalf("code %q, want %q: %s", r.Problem(t).Code, code, r.Body)
	}
}

func TestDiscoveryNewDeviceGoesToTheReviewQueue(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "disco")
	mac := "00:1A:2B:3C:4D:5E"
	res := f.reconcile(f.plant1, cmdb.Observation{MAC: mac, IP: "10.0.0.7", Vendor: "Schneider", Model: "M580",
		FirmwareVersion: "3.10", SerialNumber: "SN-1", OpenPorts: []int{502, 80}, Protocol: "modbus",
		Identity: map[string]string{"product_code": "BMEP58"}})
	discoveryWant(t, res, 0, 1, 0, 0)

	q := f.queue(uuid.Nil)
	if len(q) != 1 {
		t.Fatalf("review queue = %+v", q)
	}
	d := q[0]
	if d.Lifecycle != cmdb.LifecycleDiscovered || d.Source != cmdb.SourceDiscovery || d.Category != "ot" || d.Type != "other_ot" ||
		d.Name != "Schneider M580 10.0.0.7" || d.Model != "M580" || d.FirmwareVersion != "3.10" || d.SerialNumber != "SN-1" ||
		!slices.Equal(d.MACAddresses, []string{"00:1a:2b:3c:4d:5e"}) || !slices.Equal(d.IPAddresses, []string{"10.0.0.7"}) {
		t.Errorf("discovered asset = %+v", d)
	}
	if d.FirstSeen == nil || d.LastSeen == nil || d.Observed["protocol"] != "modbus" || d.Observed["vendor"] != "Schneider" {
		t.Errorf("sighting not recorded: first %v last %v observed %v", d.FirstSeen, d.LastSeen, d.Observed)
	}
	var all httpapi.Page[cmdb.Asset]
	f.get("/api/v1/assets", &all)
	if len(all.Items) != 0 {
		t.Errorf("the asset list shows discovered devices without asking: %+v", all.Items)
	}
	f.get("/api/v1/assets?lifecycle=discovered", &all)
	if len(all.Items) != 1 {
		t.Errorf("lifecycle=discovered shows %d assets", len(all.Items))
	}
	if got := f.queue(f.plant2); len(got) != 0 {
		t.Errorf("site filter shows %+v", got)
	}
	var page httpapi.Page[cmdb.Asset]
	f.get(discoveredURL+"?q=m580", &page)
	if len(page.Items) != 1 {
		t.Errorf("q=m580 finds %d", len(page.Items))
	}
	f.get(discoveredURL+"?q=nothing-like-it", &page)
	if len(page.Items) != 0 {
		t.Errorf("q=nothing-like-it finds %d", len(page.Items))
	}

	ev := f.events(cmdb.EventDeviceDiscovered)
	if len(ev) != 1 || ev[0]["asset_id"] != d.ID.String() || ev[0]["site_id"] != f.plant1.String() ||
		ev[0]["mac"] != "00:1a:2b:3c:4d:5e" || ev[0]["ip"] != "10.0.0.7" {
		t.Errorf("device_discovered events = %v", ev)
	}
	if got := f.audits(d.ID); len(got) != 0 {
		t.Errorf("a sighting wrote audit records: %v", got)
	}

	// The same sighting again: last_seen moves, nothing else is recorded.
	res = f.reconcile(f.plant1, cmdb.Observation{MAC: "001a.2b3c.4d5e", IP: "10.0.0.7", Model: "M580", FirmwareVersion: "3.10"})
	discoveryWant(t, res, 1, 0, 0, 0)
	if n := f.observations(d.ID); n != 1 {
		t.Errorf("%d observation rows after an unchanged sighting, want 1", n)
	}
	again := f.asset(d.ID)
	if !again.LastSeen.After(*d.LastSeen) || !again.FirstSeen.Equal(*d.FirstSeen) || again.Version != d.Version {
		t.Errorf("after a repeated sighting: first %v last %v version %d (was %v %v %d)",
			again.FirstSeen, again.LastSeen, again.Version, d.FirstSeen, d.LastSeen, d.Version)
	}

	// New firmware on a device nobody reviewed follows the device (it is
	// discovery's own value): no drift, a new timeline entry.
	res = f.reconcile(f.plant1, cmdb.Observation{MAC: mac, FirmwareVersion: "3.20", Hostname: "plc-7.plant.local"})
	discoveryWant(t, res, 1, 0, 0, 0)
	again = f.asset(d.ID)
	if again.FirmwareVersion != "3.20" || again.Hostname != "plc-7.plant.local" || again.Name != d.Name {
		t.Errorf("discovered asset after new firmware: %+v", again.Asset)
	}
	if n := f.observations(d.ID); n != 2 {
		t.Errorf("%d observation rows after a change, want 2", n)
	}
	var timeline httpapi.Page[cmdb.TimelineItem]
	f.get("/api/v1/assets/"+d.ID.String()+"/timeline", &timeline)
	kinds := 0
	for _, it := range timeline.Items {
		if it.Kind == "observation" {
			kinds++
			if !strings.HasPrefix(it.Summary, "Discovery observed") {
				t.Errorf("timeline summary %q", it.Summary)
			}
		}
	}
	if kinds != 2 {
		t.Errorf("timeline shows %d observations, want 2: %+v", kinds, timeline.Items)
	}

	// A sighting older than the last one only moves first_seen back.
	old := d.FirstSeen.Add(-time.Hour)
	res = f.reconcile(f.plant1, cmdb.Observation{MAC: mac, FirmwareVersion: "1.0", ObservedAt: old})
	discoveryWant(t, res, 1, 0, 0, 0)
	stale := f.asset(d.ID)
	if stale.FirmwareVersion != "3.20" || !stale.FirstSeen.Equal(old) || !stale.LastSeen.Equal(*again.LastSeen) {
		t.Errorf("a stale sighting changed the asset: fw %s first %v last %v", stale.FirmwareVersion, stale.FirstSeen, stale.LastSeen)
	}

	// Discovered devices do not count against max_assets.
	if err := e.Services.Licensing.Apply(f.ctx(), licensing.License{Plan: "tiny", Limits: map[string]int{"max_assets": 1},
		StartsAt: time.Now().Add(-time.Hour)}, "test"); err != nil {
		t.Fatal(err)
	}
	f.person(map[string]any{"name": "the one managed asset"})
}

func TestDiscoveryNamesAndValidation(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "names")
	f.person(map[string]any{"name": "hmi-1"})
	res := f.reconcile(f.plant1,
		cmdb.Observation{MAC: "00:00:00:00:00:01", Hostname: "HMI-1", OpenPorts: []int{80}},
		cmdb.Observation{MAC: "00:00:00:00:00:02", Hostname: "hmi-1"},
		cmdb.Observation{IP: "10.0.0.300"},
		cmdb.Observation{Hostname: "no address"},
		cmdb.Observation{IP: "10.9.9.9", OpenPorts: []int{9100}},
	)
	if res.Created != 3 || res.Matched != 0 || len(res.Errors) != 2 || res.Errors[0].Index != 2 || res.Errors[0].Field != "ip" ||
		res.Errors[1].Index != 3 || res.Errors[1].Field != "mac" {
		t.Fatalf("result = %+v", res)
	}
	var names []string
	for _, a := range f.queue(uuid.Nil) {
		names = append(names, a.Name+"/"+a.Category+"/"+a.Type)
	}
	slices.Sort(names)
	want := []string{"device-10.9.9.9/it/printer", "hmi-1 (2)/it/other", "hmi-1 (3)/it/other"}
	if !slices.Equal(names, want) {
		t.Errorf("names = %v, want %v", names, want)
	}

	if _, err := e.Services.CMDB.Reconcile(f.ctx(), uuid.New(), f.device, []cmdb.Observation{{IP: "10.0.0.1"}}); !errs.Is(err, errs.KindNotFound) {
		t.Errorf("unknown site: %v", err)
	}
	if _, err := e.Services.CMDB.Reconcile(f.ctx(), f.plant1, f.device, make([]cmdb.Observation, cmdb.MaxObservationsPerCall+1)); !errs.Is(err, errs.KindTooLarge) {
		t.Errorf("oversized batch: %v", err)
	}
	other, _ := e.ActiveTenant(t, "names-other")
	otherCtx := auth.WithPrincipal(context.Background(), auth.System(other))
	if _, err := e.Services.CMDB.Reconcile(otherCtx, f.plant1, f.device, []cmdb.Observation{{IP: "10.0.0.1"}}); !errs.Is(err, errs.KindNotFound) {
		t.Errorf("another tenant's site: %v", err)
	}
	if _, err := e.Services.CMDB.Reconcile(context.Background(), f.plant1, f.device, []cmdb.Observation{{IP: "10.0.0.1"}}); err == nil {
		t.Error("reconcile without a principal succeeded")
	}
}

func TestDiscoveryMatching(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "matching")
	byIP := f.person(map[string]any{"name": "rtu-1", "ip_addresses": []string{"10.0.0.5"}})
	byMAC := f.person(map[string]any{"name": "plc-9", "site_id": f.plant2, "mac_addresses": []string{"00:aa:bb:cc:dd:ee"},
		"ip_addresses": []string{"10.0.0.6"}})

	// IP within the site: matched (and the asset has no MAC, so one seen
	// with the address is still the same device).
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{IP: "10.0.0.5"}), 1, 0, 0, 0)
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{IP: "10.0.0.5", MAC: "00:00:00:00:00:05"}), 1, 0, 0, 0)
	if a := f.asset(byIP.ID); a.LastSeen == nil || len(a.MACAddresses) != 0 || a.Observed["mac"] != "00:00:00:00:00:05" {
		t.Errorf("IP match: last_seen %v, macs %v (a person's addresses must stay), observed %v", a.LastSeen, a.MACAddresses, a.Observed)
	}
	// The same IP in another site is another device.
	discoveryWant(t, f.reconcile(f.plant2, cmdb.Observation{IP: "10.0.0.5"}), 0, 1, 0, 0)
	if q := f.queue(f.plant2); len(q) != 1 || q[0].SiteID != f.plant2 {
		t.Errorf("plant 2's queue = %+v", q)
	}
	// An address recorded with another MAC is another device.
	discoveryWant(t, f.reconcile(f.plant2, cmdb.Observation{IP: "10.0.0.6", MAC: "00:00:00:00:00:06"}), 0, 1, 0, 0)
	// A MAC matches across sites (MACs are unique): the asset stays in its site.
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:AA:BB:CC:DD:EE", IP: "10.1.1.1"}), 1, 0, 0, 0)
	if a := f.asset(byMAC.ID); a.SiteID != f.plant2 || a.LastSeen == nil || !slices.Equal(a.IPAddresses, []string{"10.0.0.6"}) {
		t.Errorf("MAC match across sites: %+v", a.Asset)
	}
	// Two sightings of one new device in one batch make one asset.
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:00:00:00:00:77"}, cmdb.Observation{MAC: "00:00:00:00:00:77", IP: "10.0.0.77"}), 1, 1, 0, 0)
	if n := f.count(`SELECT count(*) FROM assets WHERE tenant_id = $1 AND '00:00:00:00:00:77'::macaddr = ANY(mac_addresses)`); n != 1 {
		t.Errorf("%d assets for one new device", n)
	}
	// The discovered device learns the address it lacked.
	for _, a := range f.queue(f.plant1) {
		if slices.Contains(a.MACAddresses, "00:00:00:00:00:77") && !slices.Equal(a.IPAddresses, []string{"10.0.0.77"}) {
			t.Errorf("discovered device's addresses = %v", a.IPAddresses)
		}
	}
}

func TestDiscoveryNeverOverwritesPeoplesValues(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "people")
	a := f.person(map[string]any{"name": "plc-1", "mac_addresses": []string{"00:11:22:33:44:55"}, "hostname": "plc-1",
		"firmware_version": "V2.0", "owner": "Line A"})
	res := f.reconcile(f.plant1, cmdb.Observation{MAC: "00:11:22:33:44:55", IP: "10.0.0.1", Hostname: "PLC-1",
		FirmwareVersion: "v2.0 ", Model: "S7-1500", SerialNumber: "S C-1", Vendor: "Siemens"})
	discoveryWant(t, res, 1, 0, 0, 0) // same values in another case are no drift
	after := f.asset(a.ID)
	if after.Model != "" || after.SerialNumber != "" || after.FirmwareVersion != "V2.0" || after.Hostname != "plc-1" ||
		len(after.IPAddresses) != 0 || after.Version != a.Version || !after.UpdatedAt.Equal(a.UpdatedAt) {
		t.Errorf("an observation changed a person's asset: %+v", after.Asset)
	}
	if after.Observed["model"] != "S7-1500" || after.Observed["serial_number"] != "S C-1" || after.Observed["ip"] != "10.0.0.1" {
		t.Errorf("observed values not kept beside the intended ones: %v", after.Observed)
	}
	if _, ok := after.Panels["drift"]; ok {
		t.Errorf("drift panel without drift: %v", after.Panels)
	}
	// A different host name is drift, never a write.
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:11:22:33:44:55", Hostname: "plc-one"}), 1, 0, 0, 1)
	if after := f.asset(a.ID); after.Hostname != "plc-1" || after.Version != a.Version {
		t.Errorf("drift wrote the asset: %+v", after.Asset)
	}
	// A host name an asset cannot hold (an SNMP sysName) is only observed.
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:11:22:33:44:55", Hostname: "PLC 1 line A"}), 1, 0, 0, 0)
}

func TestDiscoveryIgnore(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "ignore")
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:00:00:00:10:01", IP: "10.0.0.11"},
		cmdb.Observation{IP: "10.0.0.12"}), 0, 2, 0, 0)
	q := f.queue(uuid.Nil)
	if len(q) != 2 {
		t.Fatalf("queue = %+v", q)
	}
	for _, d := range q {
		discoveryStatus(t, f.post(discoveredURL+"/"+d.ID.String()+"/ignore", nil), http.StatusNoContent, "")
		discoveryStatus(t, f.e.Do(t, http.MethodGet, "/api/v1/assets/"+d.ID.String(), nil, f.admin.Bearer()), http.StatusNotFound, "not_found")
		if got := f.audits(d.ID); !slices.Equal(got, []string{"assets.ignore"}) {
			t.Errorf("audit of the ignored device: %v", got)
		}
	}
	var ignored httpapi.Page[cmdb.IgnoredDevice]
	f.get(discoveredURL+"/ignored", &ignored)
	if len(ignored.Items) != 2 {
		t.Fatalf("ignored = %+v", ignored.Items)
	}
	var byMAC cmdb.IgnoredDevice
	for _, i := range ignored.Items {
		if i.MAC == "00:00:00:00:10:01" {
			byMAC = i
		} else if i.IP != "10.0.0.12" || i.MAC != "" || i.SiteName != "Plant 1" {
			t.Errorf("IP ignore = %+v", i)
		}
	}
	if byMAC.IP != "10.0.0.11" || byMAC.IgnoredBy == nil {
		t.Errorf("MAC ignore = %+v", byMAC)
	}

	// Ignored devices stay ignored: the MAC everywhere, the IP (without a
	// MAC) in its site.
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00-00-00-00-10-01", IP: "10.0.0.99", Model: "x"}), 0, 0, 1, 0)
	discoveryWant(t, f.reconcile(f.plant2, cmdb.Observation{MAC: "00:00:00:00:10:01"}), 0, 0, 1, 0)
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{IP: "10.0.0.12"}), 0, 0, 1, 0)
	discoveryWant(t, f.reconcile(f.plant2, cmdb.Observation{IP: "10.0.0.12"}), 0, 1, 0, 0)
	if q := f.queue(f.plant1); len(q) != 0 {
		t.Errorf("ignored devices came back: %+v", q)
	}
	if n := f.count(`SELECT count(*) FROM domain_events WHERE tenant_id = $1 AND type = 'cmdb.device_discovered'`); n != 3 {
		t.Errorf("%d device_discovered events, want 3", n)
	}

	// Undo: the device comes back on its next sighting.
	discoveryStatus(t, f.e.Do(t, http.MethodDelete, discoveredURL+"/ignored/"+byMAC.ID.String(), nil, f.admin.Bearer()), http.StatusNoContent, "")
	discoveryStatus(t, f.e.Do(t, http.MethodDelete, discoveredURL+"/ignored/"+byMAC.ID.String(), nil, f.admin.Bearer()), http.StatusNotFound, "not_found")
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:00:00:00:10:01"}), 0, 1, 0, 0)
	if got := f.audits(byMAC.ID); !slices.Equal(got, []string{"assets.unignore"}) {
		t.Errorf("audit of the undo: %v", got)
	}

	// Only discovered devices can be ignored.
	managed := f.person(map[string]any{"name": "managed"})
	discoveryStatus(t, f.post(discoveredURL+"/"+managed.ID.String()+"/ignore", nil), http.StatusConflict, "not_discovered")
}

func TestDiscoveryMerge(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "merge")
	target := f.person(map[string]any{"name": "plc-1", "ip_addresses": []string{"10.0.0.9"}, "firmware_version": "1.0", "owner": "Ops"})
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:00:00:00:20:01", IP: "10.0.0.10", FirmwareVersion: "2.0",
		Model: "M340", Protocol: "modbus"}), 0, 1, 0, 0)
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:00:00:00:20:01", IP: "10.0.0.10", FirmwareVersion: "2.1",
		Model: "M340", Protocol: "modbus"}), 1, 0, 0, 0)
	queue := f.queue(uuid.Nil)
	if len(queue) != 1 {
		t.Fatalf("queue = %+v", queue)
	}
	d := queue[0]

	discoveryStatus(t, f.post(discoveredURL+"/"+d.ID.String()+"/merge", map[string]any{}), http.StatusUnprocessableEntity, "validation_failed")
	discoveryStatus(t, f.post(discoveredURL+"/"+d.ID.String()+"/merge", map[string]any{"into_asset_id": d.ID}), http.StatusUnprocessableEntity, "validation_failed")
	discoveryStatus(t, f.post(discoveredURL+"/"+d.ID.String()+"/merge", map[string]any{"into_asset_id": uuid.New()}), http.StatusUnprocessableEntity, "validation_failed")
	discoveryStatus(t, f.post(discoveredURL+"/"+target.ID.String()+"/merge", map[string]any{"into_asset_id": d.ID}), http.StatusConflict, "not_discovered")
	// Another discovered device is no target.
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:00:00:00:20:02"}), 0, 1, 0, 0)
	var second cmdb.Asset
	for _, a := range f.queue(uuid.Nil) {
		if a.ID != d.ID {
			second = a
		}
	}
	r := f.post(discoveredURL+"/"+d.ID.String()+"/merge", map[string]any{"into_asset_id": second.ID})
	discoveryStatus(t, r, http.StatusUnprocessableEntity, "validation_failed")
	if p := r.Problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "into_asset_id" {
		t.Errorf("merge into a discovered device: %s", r.Body)
	}

	r = f.post(discoveredURL+"/"+d.ID.String()+"/merge", map[string]any{"into_asset_id": target.ID})
	discoveryStatus(t, r, http.StatusOK, "")
	var merged cmdb.Asset
	r.JSON(t, &merged)
	if !slices.Equal(merged.IPAddresses, []string{"10.0.0.9", "10.0.0.10"}) || !slices.Equal(merged.MACAddresses, []string{"00:00:00:00:20:01"}) ||
		merged.FirmwareVersion != "1.0" || merged.Model != "" || merged.Owner != "Ops" || merged.Lifecycle != "active" ||
		merged.FirstSeen == nil || !merged.FirstSeen.Equal(*d.FirstSeen) || merged.Observed["firmware_version"] != "2.1" ||
		merged.Version != target.Version+1 {
		t.Errorf("merged asset = %+v", merged)
	}
	discoveryStatus(t, f.e.Do(t, http.MethodGet, "/api/v1/assets/"+d.ID.String(), nil, f.admin.Bearer()), http.StatusNotFound, "not_found")
	if n := f.observations(target.ID); n != 2 {
		t.Errorf("%d observations moved to the target, want 2", n)
	}
	// The merged observations are compared with the asset: firmware drifts.
	var drift httpapi.Page[cmdb.DriftRecord]
	f.get("/api/v1/drift?asset_id="+target.ID.String(), &drift)
	if len(drift.Items) != 1 || drift.Items[0].Field != "firmware_version" || drift.Items[0].Intended != "1.0" || drift.Items[0].Observed != "2.1" {
		t.Errorf("drift after merge = %+v", drift.Items)
	}
	if got := f.audits(target.ID); !slices.Contains(got, "assets.merge") {
		t.Errorf("target's audit = %v", got)
	}
	// The device's next sighting is the target's.
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:00:00:00:20:01"}), 1, 0, 0, 0)
}

func TestDiscoveryApprove(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "approve")
	vendor := f.insert(`INSERT INTO vendors (tenant_id, name) VALUES ($1, 'Rockwell Automation') RETURNING id`)
	zone := f.insert(`INSERT INTO zones (tenant_id, site_id, name, purdue_level) VALUES ($1, $2, 'Control', '2') RETURNING id`, f.plant1)
	vlan := f.insert(`INSERT INTO vlans (tenant_id, zone_id, number) VALUES ($1, $2, 10) RETURNING id`, zone)
	if err := e.Services.Licensing.Apply(f.ctx(), licensing.License{Plan: "tiny", Limits: map[string]int{"max_assets": 1},
		StartsAt: time.Now().Add(-time.Hour)}, "test"); err != nil {
		t.Fatal(err)
	}
	f.person(map[string]any{"name": "the managed one"})
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:00:00:00:30:01", IP: "10.0.0.31", Vendor: "rockwell automation",
		Model: "1756-L83E", OpenPorts: []int{44818}}), 0, 1, 0, 0)
	d := f.queue(uuid.Nil)[0]
	if d.VendorID == nil || *d.VendorID != vendor {
		t.Errorf("the known vendor was not linked: %v", d.VendorID)
	}
	url := discoveredURL + "/" + d.ID.String() + "/approve"
	discoveryStatus(t, f.post(url, nil), http.StatusForbidden, "licence_limit")
	if err := e.Services.Licensing.Apply(f.ctx(), licensing.License{Plan: "small", Limits: map[string]int{"max_assets": 2},
		StartsAt: time.Now().Add(-time.Hour)}, "test"); err != nil {
		t.Fatal(err)
	}
	discoveryStatus(t, f.post(url, map[string]any{"lifecycle": "decommissioned"}), http.StatusUnprocessableEntity, "validation_failed")
	discoveryStatus(t, f.post(url, map[string]any{"version": d.Version + 5}), http.StatusConflict, "version_conflict")
	discoveryStatus(t, f.post(url, map[string]any{"type": "server"}), http.StatusUnprocessableEntity, "validation_failed")
	r := f.post(url, map[string]any{"name": "Line 3 PLC", "type": "plc", "criticality": "high", "vlan_ids": []uuid.UUID{vlan},
		"owner": "Controls", "tags": []string{"line-3"}})
	discoveryStatus(t, r, http.StatusOK, "")
	var a cmdb.Asset
	r.JSON(t, &a)
	if a.Lifecycle != "active" || a.Source != cmdb.SourceDiscovery || a.Name != "Line 3 PLC" || a.Type != "plc" || a.Criticality != "high" ||
		a.Model != "1756-L83E" || !slices.Equal(a.VLANIDs, []uuid.UUID{vlan}) || a.Version != d.Version+1 || a.FirstSeen == nil {
		t.Errorf("approved asset = %+v", a)
	}
	if got := f.audits(a.ID); !slices.Equal(got, []string{"assets.approve"}) {
		t.Errorf("audit = %v", got)
	}
	if q := f.queue(uuid.Nil); len(q) != 0 {
		t.Errorf("queue after approval = %+v", q)
	}
	var all httpapi.Page[cmdb.Asset]
	f.get("/api/v1/assets", &all)
	if len(all.Items) != 2 {
		t.Errorf("asset list after approval has %d assets", len(all.Items))
	}
	discoveryStatus(t, f.post(url, nil), http.StatusConflict, "not_discovered")

	// Planned, and the licence counts it.
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:00:00:00:30:02"}), 0, 1, 0, 0)
	next := f.queue(uuid.Nil)[0]
	discoveryStatus(t, f.post(discoveredURL+"/"+next.ID.String()+"/approve", map[string]any{"lifecycle": "planned"}), http.StatusForbidden, "licence_limit")
}

func TestDiscoveryAccess(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "access-a")
	g := newDiscoveryFixture(t, e, "access-b")
	readOnly := e.UserInGroup(t, f.tenant, "ro@access-a.example.com", "read_only")
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:00:00:00:40:01"}), 0, 1, 0, 0)
	mine := f.queue(uuid.Nil)[0]
	target := f.person(map[string]any{"name": "target"})
	discoveryWant(t, g.reconcile(g.plant1, cmdb.Observation{MAC: "00:00:00:00:40:02"}, cmdb.Observation{IP: "10.0.0.2"}), 0, 2, 0, 0)
	theirs := g.queue(uuid.Nil)
	theirTarget := g.person(map[string]any{"name": "their target"})
	discoveryStatus(t, g.post(discoveredURL+"/"+theirs[1].ID.String()+"/ignore", nil), http.StatusNoContent, "")
	var ignored httpapi.Page[cmdb.IgnoredDevice]
	g.get(discoveredURL+"/ignored", &ignored)
	theirIgnore := ignored.Items[0].ID
	their := theirs[0].ID.String()

	apitest.Run(t, e.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "approve", Method: "POST", Path: discoveredURL + "/" + their + "/approve", Headers: f.admin.Bearer(), Status: 404, Code: "not_found"},
		{Name: "merge", Method: "POST", Path: discoveredURL + "/" + their + "/merge", Body: map[string]any{"into_asset_id": target.ID},
			Headers: f.admin.Bearer(), Status: 404, Code: "not_found"},
		{Name: "merge into theirs", Method: "POST", Path: discoveredURL + "/" + mine.ID.String() + "/merge",
			Body: map[string]any{"into_asset_id": theirTarget.ID}, Headers: f.admin.Bearer(), Status: 422, Code: "validation_failed"},
		{Name: "ignore", Method: "POST", Path: discoveredURL + "/" + their + "/ignore", Headers: f.admin.Bearer(), Status: 404, Code: "not_found"},
		{Name: "unignore", Method: "DELETE", Path: discoveredURL + "/ignored/" + theirIgnore.String(), Headers: f.admin.Bearer(), Status: 404, Code: "not_found"},
		{Name: "queue", Method: "GET", Path: discoveredURL, Headers: f.admin.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if strings.Contains(string(r.Body), their) || !strings.Contains(string(r.Body), mine.ID.String()) {
					t.Errorf("queue: %s", r.Body)
				}
			}},
		{Name: "ignored", Method: "GET", Path: discoveredURL + "/ignored", Headers: f.admin.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if strings.Contains(string(r.Body), theirIgnore.String()) {
					t.Errorf("ignored: %s", r.Body)
				}
			}},
	})
	apitest.Run(t, e.Server.App(), "malformed ids", []apitest.Case{
		{Name: "approve", Method: "POST", Path: discoveredURL + "/nope/approve", Headers: f.admin.Bearer(), Status: 404, Code: "not_found"},
		{Name: "unignore", Method: "DELETE", Path: discoveredURL + "/ignored/nope", Headers: f.admin.Bearer(), Status: 404, Code: "not_found"},
	})
	apitest.Run(t, e.Server.App(), "read-only", []apitest.Case{
		{Name: "queue", Method: "GET", Path: discoveredURL, Headers: readOnly.Bearer(), Status: 200},
		{Name: "ignored", Method: "GET", Path: discoveredURL + "/ignored", Headers: readOnly.Bearer(), Status: 200},
		{Name: "approve", Method: "POST", Path: discoveredURL + "/" + mine.ID.String() + "/approve", Headers: readOnly.Bearer(), Status: 403, Code: "permission_denied"},
		{Name: "merge", Method: "POST", Path: discoveredURL + "/" + mine.ID.String() + "/merge", Body: map[string]any{"into_asset_id": target.ID},
			Headers: readOnly.Bearer(), Status: 403, Code: "permission_denied"},
		{Name: "ignore", Method: "POST", Path: discoveredURL + "/" + mine.ID.String() + "/ignore", Headers: readOnly.Bearer(), Status: 403, Code: "permission_denied"},
		{Name: "unignore", Method: "DELETE", Path: discoveredURL + "/ignored/" + theirIgnore.String(), Headers: readOnly.Bearer(), Status: 403, Code: "permission_denied"},
	})
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "unknown parameter", Method: "GET", Path: discoveredURL + "?lifecycle=active", Headers: f.admin.Bearer(), Status: 422, Code: "validation_failed"},
		{Name: "bad site", Method: "GET", Path: discoveredURL + "?site_id=x", Headers: f.admin.Bearer(), Status: 422, Code: "validation_failed"},
		{Name: "bad cursor", Method: "GET", Path: discoveredURL + "?cursor=!!!", Headers: f.admin.Bearer(), Status: 400},
		{Name: "unknown field", Method: "POST", Path: discoveredURL + "/" + mine.ID.String() + "/approve", Body: map[string]any{"site_id": uuid.New()},
			Headers: f.admin.Bearer(), Status: 422, Code: "validation_failed"},
	})
	apitest.Run(t, e.Server.App(), "unauthenticated", []apitest.Case{
		{Name: "queue", Method: "GET", Path: discoveredURL, Status: 401},
	})
}

func TestDiscoveredQueuePages(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "pages")
	var obs []cmdb.Observation
	for i := range 5 {
		obs = append(obs, cmdb.Observation{IP: "10.0.1." + string(rune('1'+i))})
	}
	discoveryWant(t, f.reconcile(f.plant1, obs...), 0, 5, 0, 0)
	seen := map[uuid.UUID]bool{}
	path := discoveredURL + "?limit=2"
	for pages := 0; ; pages++ {
		var page httpapi.Page[cmdb.Asset]
		f.get(path, &page)
		for _, a := range page.Items {
			if seen[a.ID] {
				t.Fatalf("%s seen twice", a.Name)
			}
			seen[a.ID] = true
		}
		if page.NextCursor == nil {
			break
		}
		if pages > 5 {
			t.Fatal("pages never end")
		}
		path = discoveredURL + "?limit=2&cursor=" + *page.NextCursor
	}
	if len(seen) != 5 {
		t.Errorf("paged through %d devices, want 5", len(seen))
	}
}
