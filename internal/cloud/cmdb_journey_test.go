package cloud_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// journey is a signed-in admin calling the Cloud API as a client would.
type journey struct {
	t     *testing.T
	e     *cloudtest.Env
	admin cloudtest.Session
}

type object = map[string]any

func (j journey) call(method, path string, body any, want int) object {
	j.t.Helper()
	r := j.e.Do(j.t, method, path, body, j.admin.Bearer())
	if r.Status != want {
		j.t.Fatalf("%s %s: %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	out := object{}
	if len(r.Body) > 0 && r.Body[0] == '{' {
		r.JSON(j.t, &out)
	}
	return out
}

func (j journey) problem(method, path string, body any, want int) apitest.Problem {
	j.t.Helper()
	r := j.e.Do(j.t, method, path, body, j.admin.Bearer())
	if r.Status != want {
		j.t.Fatalf("%s %s: %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r.Problem(j.t)
}

// upload posts a CSV file to the import.
func (j journey) upload(file []byte, dryRun bool) *apitest.Response {
	j.t.Helper()
	var form bytes.Buffer
	w := multipart.NewWriter(&form)
	part, err := w.CreateFormFile("file", "assets.csv")
	if err != nil {
		j.t.Fatal(err)
	}
	_, _ = part.Write(file)
	_ = w.Close()
	headers := j.admin.Bearer()
	headers["Content-Type"] = w.FormDataContentType()
	return j.e.Do(j.t, http.MethodPost, fmt.Sprintf("/api/v1/assets/import?dry_run=%v", dryRun), form.Bytes(), headers)
}

func id(o object) string { return o["id"].(string) }

// TestCMDBJourney walks the CMDB acceptance points of issue 5 through the
// API alone, as a new organisation would.
func TestCMDBJourney(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "journey")
	j := journey{t: t, e: e, admin: admin}

	// Site → zones (preset) → VLANs → assets with VLANs, related.
	site := j.call("POST", "/api/v1/sites", object{"name": "Rotterdam", "code": "RTM", "timezone": "Europe/Amsterdam"}, 201)
	other := j.call("POST", "/api/v1/sites", object{"name": "Antwerp"}, 201)
	preset := j.call("POST", "/api/v1/sites/"+id(site)+"/zones/preset", nil, 201)
	zones := map[string]string{}
	for _, z := range preset["created"].([]any) {
		zones[z.(object)["purdue_level"].(string)] = id(z.(object))
	}
	if len(zones) != 7 {
		t.Fatalf("preset zones: %v", preset)
	}
	control := j.call("POST", "/api/v1/vlans", object{"number": 20, "name": "Control", "zone_id": zones["2"], "cidr": "10.1.20.0/24", "gateway": "10.1.20.1"}, 201)
	ops := j.call("POST", "/api/v1/vlans", object{"number": 30, "name": "Operations", "zone_id": zones["3"], "cidr": "10.1.30.0/24"}, 201)
	otherZone := j.call("POST", "/api/v1/zones", object{"name": "Control", "site_id": id(other), "purdue_level": "2"}, 201)
	otherVLAN := j.call("POST", "/api/v1/vlans", object{"number": 20, "zone_id": id(otherZone)}, 201)
	vendor := j.call("POST", "/api/v1/vendors", object{"name": "Siemens", "cpe_vendor": "siemens"}, 201)
	plc := j.call("POST", "/api/v1/assets", object{"name": "PLC-01", "category": "ot", "type": "plc", "site_id": id(site),
		"vlan_ids": []string{id(control)}, "ip_addresses": []string{"10.1.20.11"}, "mac_addresses": []string{"00:1b:1b:00:00:11"},
		"vendor_id": id(vendor), "model": "S7-1500", "firmware_version": "2.9.4", "criticality": "critical"}, 201)
	hmi := j.call("POST", "/api/v1/assets", object{"name": "HMI-01", "category": "ot", "type": "hmi", "site_id": id(site),
		"vlan_ids": []string{id(control), id(ops)}, "ip_addresses": []string{"10.1.20.31"}}, 201)
	j.call("POST", "/api/v1/assets/"+id(hmi)+"/relationships", object{"target_asset_id": id(plc), "type": "controls"}, 201)

	// A VLAN of another site's zone is a field error; so is deleting a
	// site with assets, naming what blocks.
	p := j.problem("POST", "/api/v1/assets", object{"name": "X", "category": "it", "type": "server", "site_id": id(site),
		"vlan_ids": []string{id(otherVLAN)}}, 422)
	if len(p.Errors) != 1 || p.Errors[0].Field != "vlan_ids[0]" || p.Errors[0].Code != "other_site" {
		t.Fatalf("VLAN of another site: %+v", p)
	}
	p = j.problem("DELETE", "/api/v1/sites/"+id(site), nil, 409)
	if p.Code != "has_dependants" || !strings.Contains(p.Detail, "2 assets") {
		t.Fatalf("deleting a site with assets: %+v", p)
	}

	// Export to CSV and re-import the file as a dry run: zero errors.
	r := e.Do(t, "GET", "/api/v1/assets/export?format=csv", nil, admin.Bearer())
	if r.Status != 200 {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	exported := r.Body
	r = j.upload(exported, true)
	var report cmdb.ImportReport
	r.JSON(t, &report)
	if r.Status != 200 || report.ErrorCount != 0 || report.TotalRows != 2 || report.Unchanged != 2 {
		t.Fatalf("dry run of the export: %d %+v", r.Status, report)
	}

	// A file with three bad rows: exactly those rows reported, nothing written.
	bad := []byte("name,category,type,site,vlans,ip_addresses\n" +
		"New-1,it,server,Rotterdam,Rotterdam/Level 3 - Operations/30,10.1.30.5\n" +
		"New-2,it,server,Atlantis,,\n" +
		"New-3,ot,plc,Rotterdam,Antwerp/Control/20,\n" +
		"New-4,it,server,Rotterdam,,10.1.30.300\n" +
		"New-5,ot,sensor,Rotterdam,,\n")
	r = j.upload(bad, true)
	r.JSON(t, &report)
	if got := importErrors(report.Errors); r.Status != 200 || got != "3/site 4/vlans 5/ip_addresses" || report.ErrorCount != 3 {
		t.Fatalf("dry run of the bad file: %d %s %+v", r.Status, got, report)
	}
	r = j.upload(bad, false)
	if r.Status != 202 {
		t.Fatalf("import of the bad file: %d %s", r.Status, r.Body)
	}
	var started cmdb.ImportStarted
	r.JSON(t, &started)
	imp := waitForImport(t, j, started.ImportID)
	if got := importErrors(imp.Errors); imp.Status != "failed" || got != "3/site 4/vlans 5/ip_addresses" || imp.Created != 0 {
		t.Fatalf("import of the bad file: %s %+v", got, imp)
	}
	var page struct{ Items []object }
	e.Do(t, "GET", "/api/v1/assets?limit=200", nil, admin.Bearer()).JSON(t, &page)
	if len(page.Items) != 2 {
		t.Fatalf("%d assets after the failed import, want the 2 there were", len(page.Items))
	}

	// Discovery: a new MAC lands in the review queue; a changed firmware
	// of a known MAC opens drift and leaves the CMDB value until accepted.
	ctx := auth.WithPrincipal(context.Background(), auth.System(tenantID))
	res, err := e.Services.CMDB.Reconcile(ctx, uuid.MustParse(id(site)), uuid.New(), []cmdb.Observation{
		{MAC: "00:1b:1b:00:00:11", IP: "10.1.20.11", FirmwareVersion: "3.0.1"},
		{MAC: "00:1b:1b:00:00:99", IP: "10.1.20.99", Protocol: "modbus"},
	})
	if err != nil || res.Created != 1 || res.DriftOpened != 1 {
		t.Fatalf("reconcile: %+v %v", res, err)
	}
	e.Do(t, "GET", "/api/v1/discovered", nil, admin.Bearer()).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0]["lifecycle"] != "discovered" {
		t.Fatalf("review queue: %+v", page.Items)
	}
	if got := j.call("GET", "/api/v1/assets/"+id(plc), nil, 200); got["firmware_version"] != "2.9.4" {
		t.Fatalf("drift changed the firmware: %v", got["firmware_version"])
	}
	e.Do(t, "GET", "/api/v1/drift", nil, admin.Bearer()).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0]["observed"] != "3.0.1" {
		t.Fatalf("drift list: %+v", page.Items)
	}
	j.call("POST", "/api/v1/drift/"+id(page.Items[0])+"/accept", nil, 200)
	if got := j.call("GET", "/api/v1/assets/"+id(plc), nil, 200); got["firmware_version"] != "3.0.1" {
		t.Fatalf("accepted drift not applied: %v", got["firmware_version"])
	}

	// Diagrams: a stale version answers 409; asset nodes list the diagram
	// on those assets.
	d := j.call("POST", "/api/v1/diagrams", object{"name": "Cell", "site_id": id(site)}, 201)
	canvas := object{"nodes": []object{
		{"id": "plc", "position": object{"x": 0, "y": 0}, "data": object{"label": "PLC-01", "kind": "asset", "record_id": id(plc)}},
		{"id": "hmi", "position": object{"x": 0, "y": 100}, "data": object{"label": "HMI-01", "kind": "asset", "record_id": id(hmi)}},
	}, "edges": []object{{"id": "e1", "source": "hmi", "target": "plc"}}, "viewport": object{"x": 0, "y": 0, "zoom": 1}}
	j.call("PUT", "/api/v1/diagrams/"+id(d)+"/content", object{"version": 1, "content": canvas}, 200)
	if p := j.problem("PUT", "/api/v1/diagrams/"+id(d)+"/content", object{"version": 1, "content": canvas}, 409); p.Code != "version_conflict" {
		t.Fatalf("stale save: %+v", p)
	}
	detail := j.call("GET", "/api/v1/assets/"+id(plc), nil, 200)
	onDiagrams, _ := detail["panels"].(object)["diagrams"].([]any)
	if len(onDiagrams) != 1 || onDiagrams[0].(object)["id"] != id(d) {
		t.Fatalf("the PLC's diagrams panel: %v", detail["panels"])
	}
}

func importErrors(list []cmdb.ImportError) string {
	var out []string
	for _, e := range list {
		out = append(out, fmt.Sprintf("%d/%s", e.Row, e.Column))
	}
	return strings.Join(out, " ")
}

func waitForImport(t *testing.T, j journey, importID uuid.UUID) cmdb.AssetImport {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var imp cmdb.AssetImport
		j.e.Do(t, "GET", "/api/v1/imports/"+importID.String(), nil, j.admin.Bearer()).JSON(t, &imp)
		if imp.Status == "succeeded" || imp.Status == "failed" {
			return imp
		}
	}
	t.Fatal("the import did not finish within a minute")
	return cmdb.AssetImport{}
}
