package cmdb_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

const driftURL = "/api/v1/drift"

// driftList reads the drift list with a query (status open by default).
func (f *discoveryFixture) driftList(query string) []cmdb.DriftRecord {
	f.t.Helper()
	var page httpapi.Page[cmdb.DriftRecord]
	f.get(driftURL+"?"+query, &page)
	return page.Items
}

// driftPanel is the asset detail's drift panel.
func (f *discoveryFixture) driftPanel(asset uuid.UUID) []cmdb.DriftRecord {
	f.t.Helper()
	d := f.asset(asset)
	raw, ok := d.Panels["drift"]
	if !ok {
		return nil
	}
	b, _ := json.Marshal(raw)
	var out []cmdb.DriftRecord
	if err := json.Unmarshal(b, &out); err != nil {
		f.t.Fatal(err)
	}
	return out
}

func TestDriftOpensAndIsAccepted(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "drift")
	a := f.person(map[string]any{"name": "plc-1", "mac_addresses": []string{"00:11:22:33:44:55"}, "firmware_version": "1.0",
		"model": "M580", "hostname": "plc-1"})

	res := f.reconcile(f.plant1, cmdb.Observation{MAC: "00:11:22:33:44:55", FirmwareVersion: "2.0", Model: "m580 "})
	discoveryWant(t, res, 1, 0, 0, 1)
	after := f.asset(a.ID)
	if after.FirmwareVersion != "1.0" || after.Version != a.Version || after.Observed["firmware_version"] != "2.0" {
		t.Fatalf("drift changed the asset: fw %s version %d observed %v", after.FirmwareVersion, after.Version, after.Observed)
	}
	open := f.driftList("")
	if len(open) != 1 {
		t.Fatalf("open drift = %+v", open)
	}
	d := open[0]
	if d.AssetID != a.ID || d.AssetName != "plc-1" || d.SiteName != "Plant 1" || d.SiteID != f.plant1 || d.Field != "firmware_version" ||
		d.Intended != "1.0" || d.Observed != "2.0" || d.Status != cmdb.DriftOpen || d.ResolvedAt != nil {
		t.Errorf("drift = %+v", d)
	}
	if panel := f.driftPanel(a.ID); len(panel) != 1 || panel[0].ID != d.ID {
		t.Errorf("drift panel = %+v", panel)
	}
	ev := f.events(cmdb.EventDriftOpened)
	if len(ev) != 1 || ev[0]["asset_id"] != a.ID.String() || ev[0]["field"] != "firmware_version" || ev[0]["intended"] != "1.0" ||
		ev[0]["observed"] != "2.0" {
		t.Errorf("drift_opened events = %v", ev)
	}

	// Seen again: the open record is refreshed, not duplicated.
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:11:22:33:44:55", FirmwareVersion: "2.0"}), 1, 0, 0, 0)
	again := f.driftList("asset_id=" + a.ID.String())
	if len(again) != 1 || again[0].ID != d.ID || !again[0].LastObservedAt.After(d.LastObservedAt) || !again[0].OpenedAt.Equal(d.OpenedAt) {
		t.Errorf("after a second sighting: %+v (was %+v)", again, d)
	}
	if n := len(f.events(cmdb.EventDriftOpened)); n != 1 {
		t.Errorf("%d drift events, want 1", n)
	}

	r := f.post(driftURL+"/"+d.ID.String()+"/accept", nil)
	discoveryStatus(t, r, http.StatusOK, "")
	var accepted cmdb.DriftRecord
	r.JSON(t, &accepted)
	if accepted.Status != cmdb.DriftAccepted || accepted.ResolvedAt == nil || accepted.ResolvedBy == nil {
		t.Errorf("accepted = %+v", accepted)
	}
	after = f.asset(a.ID)
	if after.FirmwareVersion != "2.0" || after.Version != a.Version+1 || after.Model != "M580" {
		t.Errorf("after accept: fw %s version %d model %s", after.FirmwareVersion, after.Version, after.Model)
	}
	if panel := f.driftPanel(a.ID); len(panel) != 0 {
		t.Errorf("drift panel after accept = %+v", panel)
	}
	if got := f.audits(a.ID); !slices.Equal(got, []string{"assets.create", "assets.drift_accept"}) {
		t.Errorf("audit = %v", got)
	}
	var changes string
	if err := f.db.QueryRow(`SELECT changes::text FROM audit_log WHERE tenant_id = $1 AND action = 'assets.drift_accept'`, f.tenant).Scan(&changes); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(changes, `"firmware_version": {"after": "2.0", "before": "1.0"}`) {
		t.Errorf("accept's audit changes = %s", changes)
	}
	discoveryStatus(t, f.post(driftURL+"/"+d.ID.String()+"/accept", nil), http.StatusConflict, "drift_not_open")
	discoveryStatus(t, f.post(driftURL+"/"+d.ID.String()+"/dismiss", nil), http.StatusConflict, "drift_not_open")
	if got := f.driftList("status=accepted"); len(got) != 1 || got[0].ID != d.ID {
		t.Errorf("accepted list = %+v", got)
	}
	if got := f.driftList(""); len(got) != 0 {
		t.Errorf("open list after accept = %+v", got)
	}
	// The accepted value is now the asset's: no drift.
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:11:22:33:44:55", FirmwareVersion: "2.0"}), 1, 0, 0, 0)
}

func TestDriftDismissedStaysDismissed(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "dismiss")
	a := f.person(map[string]any{"name": "rtu", "ip_addresses": []string{"10.0.0.3"}, "serial_number": "A-1", "hostname": "rtu-1"})
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{IP: "10.0.0.3", SerialNumber: "B-2", Hostname: "rtu-2"}), 1, 0, 0, 2)
	serial := f.driftList("field=serial_number")
	if len(serial) != 1 {
		t.Fatalf("serial drift = %+v", serial)
	}
	r := f.post(driftURL+"/"+serial[0].ID.String()+"/dismiss", nil)
	discoveryStatus(t, r, http.StatusOK, "")
	if got := f.asset(a.ID); got.SerialNumber != "A-1" || got.Version != a.Version {
		t.Errorf("dismiss changed the asset: %+v", got.Asset)
	}
	if got := f.audits(a.ID); !slices.Contains(got, "assets.drift_dismiss") {
		t.Errorf("audit = %v", got)
	}
	if panel := f.driftPanel(a.ID); len(panel) != 1 || panel[0].Field != "hostname" {
		t.Errorf("panel after dismiss = %+v", panel)
	}

	// The same value (in any case) stays dismissed ...
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{IP: "10.0.0.3", SerialNumber: "b-2"}), 1, 0, 0, 0)
	if got := f.driftList("field=serial_number"); len(got) != 0 {
		t.Errorf("a dismissed value reopened: %+v", got)
	}
	// ... a newer, different value opens a new record ...
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{IP: "10.0.0.3", SerialNumber: "C-3"}), 1, 0, 0, 1)
	third := f.driftList("field=serial_number")
	if len(third) != 1 || third[0].ID == serial[0].ID || third[0].Observed != "C-3" {
		t.Errorf("new value's drift = %+v", third)
	}
	// ... whose observed value follows the device while it is open.
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{IP: "10.0.0.3", SerialNumber: "D-4"}), 1, 0, 0, 0)
	if got := f.driftList("field=serial_number"); len(got) != 1 || got[0].ID != third[0].ID || got[0].Observed != "D-4" {
		t.Errorf("open drift after another value = %+v", got)
	}
	if got := f.driftList("status=dismissed&site_id=" + f.plant1.String()); len(got) != 1 || got[0].Status != cmdb.DriftDismissed {
		t.Errorf("dismissed list = %+v", got)
	}
	if got := f.driftList("site_id=" + f.plant2.String()); len(got) != 0 {
		t.Errorf("plant 2's drift = %+v", got)
	}
	if n := len(f.events(cmdb.EventDriftOpened)); n != 3 {
		t.Errorf("%d drift events, want 3", n)
	}
}

func TestDriftAccess(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "drift-a")
	g := newDiscoveryFixture(t, e, "drift-b")
	readOnly := e.UserInGroup(t, f.tenant, "ro@drift-a.example.com", "read_only")
	f.person(map[string]any{"name": "a", "ip_addresses": []string{"10.0.0.1"}, "model": "X"})
	theirAsset := g.person(map[string]any{"name": "b", "ip_addresses": []string{"10.0.0.1"}, "model": "X"})
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{IP: "10.0.0.1", Model: "Y"}), 1, 0, 0, 1)
	discoveryWant(t, g.reconcile(g.plant1, cmdb.Observation{IP: "10.0.0.1", Model: "Z"}), 1, 0, 0, 1)
	mine, theirs := f.driftList("")[0].ID.String(), g.driftList("")[0].ID.String()

	apitest.Run(t, e.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "accept", Method: "POST", Path: driftURL + "/" + theirs + "/accept", Headers: f.admin.Bearer(), Status: 404, Code: "not_found"},
		{Name: "dismiss", Method: "POST", Path: driftURL + "/" + theirs + "/dismiss", Headers: f.admin.Bearer(), Status: 404, Code: "not_found"},
		{Name: "list", Method: "GET", Path: driftURL + "?status=open", Headers: f.admin.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if strings.Contains(string(r.Body), theirs) || !strings.Contains(string(r.Body), mine) {
					t.Errorf("list: %s", r.Body)
				}
			}},
		{Name: "list by their asset", Method: "GET", Path: driftURL + "?asset_id=" + theirAsset.ID.String(), Headers: f.admin.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if strings.Contains(string(r.Body), theirs) {
					t.Errorf("list: %s", r.Body)
				}
			}},
	})
	apitest.Run(t, e.Server.App(), "read-only", []apitest.Case{
		{Name: "list", Method: "GET", Path: driftURL, Headers: readOnly.Bearer(), Status: 200},
		{Name: "accept", Method: "POST", Path: driftURL + "/" + mine + "/accept", Headers: readOnly.Bearer(), Status: 403, Code: "permission_denied"},
		{Name: "dismiss", Method: "POST", Path: driftURL + "/" + mine + "/dismiss", Headers: readOnly.Bearer(), Status: 403, Code: "permission_denied"},
	})
	apitest.Run(t, e.Server.App(), "not found", []apitest.Case{
		{Name: "malformed id", Method: "POST", Path: driftURL + "/nope/accept", Headers: f.admin.Bearer(), Status: 404, Code: "not_found"},
		{Name: "unknown id", Method: "POST", Path: driftURL + "/" + uuid.NewString() + "/dismiss", Headers: f.admin.Bearer(), Status: 404, Code: "not_found"},
	})
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "status", Method: "GET", Path: driftURL + "?status=closed", Headers: f.admin.Bearer(), Status: 422, Code: "validation_failed"},
		{Name: "field", Method: "GET", Path: driftURL + "?field=os", Headers: f.admin.Bearer(), Status: 422, Code: "validation_failed"},
		{Name: "asset", Method: "GET", Path: driftURL + "?asset_id=1", Headers: f.admin.Bearer(), Status: 422, Code: "validation_failed"},
		{Name: "unknown parameter", Method: "GET", Path: driftURL + "?sort=name", Headers: f.admin.Bearer(), Status: 422, Code: "validation_failed"},
	})
	// Nothing of the other tenant moved.
	if got := g.asset(theirAsset.ID); got.Model != "X" {
		t.Errorf("their asset = %+v", got.Asset)
	}
	if got := g.driftList(""); len(got) != 1 || got[0].Status != cmdb.DriftOpen {
		t.Errorf("their drift = %+v", got)
	}
}

func TestDriftPages(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "drift-pages")
	for i := range 5 {
		ip := "10.0.2." + string(rune('1'+i))
		f.person(map[string]any{"name": "plc " + ip, "ip_addresses": []string{ip}, "firmware_version": "1"})
		discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{IP: ip, FirmwareVersion: "2"}), 1, 0, 0, 1)
	}
	seen := map[uuid.UUID]bool{}
	path := driftURL + "?limit=2"
	for pages := 0; ; pages++ {
		var page httpapi.Page[cmdb.DriftRecord]
		f.get(path, &page)
		for _, d := range page.Items {
			if seen[d.ID] {
				t.Fatalf("%s seen twice", d.AssetName)
			}
			seen[d.ID] = true
		}
		if page.NextCursor == nil {
			break
		}
		if pages > 5 {
			t.Fatal("pages never end")
		}
		path = driftURL + "?limit=2&cursor=" + *page.NextCursor
	}
	if len(seen) != 5 {
		t.Errorf("paged through %d records, want 5", len(seen))
	}
}

func TestDriftFollowsAPersonsEdit(t *testing.T) {
	e := cloudtest.New(t)
	f := newDiscoveryFixture(t, e, "drift-edit")
	a := f.person(map[string]any{"name": "plc-9", "mac_addresses": []string{"00:11:22:33:44:99"}, "firmware_version": "1.0", "model": "M340"})
	discoveryWant(t, f.reconcile(f.plant1, cmdb.Observation{MAC: "00:11:22:33:44:99", FirmwareVersion: "2.0", Model: "M580"}), 1, 0, 0, 2)

	// The person types in the observed firmware and a third model.
	r := e.Do(t, http.MethodPatch, assetsURL+"/"+a.ID.String(), map[string]any{"version": a.Version, "firmware_version": "2.0", "model": "M580-2"}, f.admin.Bearer())
	discoveryStatus(t, r, http.StatusOK, "")
	open := f.driftList("asset_id=" + a.ID.String())
	if len(open) != 1 || open[0].Field != "model" || open[0].Intended != "M580-2" || open[0].Observed != "M580" {
		t.Fatalf("open drift after the edit = %+v, want only model with the new intended value", open)
	}
	if accepted := f.driftList("status=accepted&asset_id=" + a.ID.String()); len(accepted) != 1 || accepted[0].Field != "firmware_version" {
		t.Fatalf("accepted drift after the edit = %+v", accepted)
	}
}
