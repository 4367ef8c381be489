package cloud_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/cloud/security"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// seedTenant gives a tenant some objects of every kind its admin can make.
func seedTenant(t *testing.T, e *cloudtest.Env, s cloudtest.Session, tenantID uuid.UUID, account string) {
	t.Helper()
	if r := e.Do(t, "POST", "/api/v1/settings/users/invitations", map[string]any{"email": "guest@" + account + ".example.com"}, s.Bearer()); r.Status != 201 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "POST", "/api/v1/settings/groups", map[string]any{"name": "Operators", "description": "x", "permissions": []string{"assets.read"}}, s.Bearer()); r.Status != 201 {
		t.Fatalf("group: %d %s", r.Status, r.Body)
	}
	seedCMDB(t, e, s, tenantID, account)
	seedEdge(t, e, s, tenantID, account)
	seedSecurity(t, e, tenantID)
}

// seedEdge gives a tenant a registration key, a device registered with it
// that has telemetry, a log line and a delivered command, and a
// deregistered device.
func seedEdge(t *testing.T, e *cloudtest.Env, s cloudtest.Session, tenantID uuid.UUID, account string) {
	t.Helper()
	var key struct {
		Key string `json:"key"`
	}
	r := e.Do(t, "POST", "/api/v1/edge/keys", map[string]any{"label": "Fleet", "max_uses": 5}, s.Bearer())
	if r.Status != 201 {
		t.Fatalf("key: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &key)
	register := func(name string) edge.Registered {
		t.Helper()
		r := e.Do(t, "POST", "/api/v1/devices/register", map[string]any{"account_name": account, "name": name},
			map[string]string{edge.ProvisioningKeyHeader: key.Key})
		if r.Status != 201 {
			t.Fatalf("register: %d %s", r.Status, r.Body)
		}
		var d edge.Registered
		r.JSON(t, &d)
		return d
	}
	gw, old := register("gw"), register("old")
	device := "/api/v1/devices/" + gw.DeviceID.String()
	if r := e.Do(t, "POST", device+"/commands", map[string]any{"type": "ping", "payload": map[string]any{"target": "10.0.10.1"}}, s.Bearer()); r.Status != 201 {
		t.Fatalf("command: %d %s", r.Status, r.Body)
	}
	e.Do(t, "POST", device+"/commands", map[string]any{"type": "update_agent", "payload": map[string]any{"version": "2.0.0"}}, s.Bearer())
	if r := e.Do(t, "GET", "/api/v1/commands", nil, map[string]string{edge.DeviceKeyHeader: gw.DeviceKey}); r.Status != 200 {
		t.Fatalf("poll: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "DELETE", "/api/v1/devices/"+old.DeviceID.String(), nil, s.Bearer()); r.Status != 204 {
		t.Fatalf("deregister: %d %s", r.Status, r.Body)
	}
	admin, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	if _, err := admin.Exec(`INSERT INTO ingest_events (tenant_id, id, device_id, ts, kind, data)
		VALUES ($1, gen_random_uuid(), $2, now(), 'telemetry', '{"cpu_percent": 5}'), ($1, gen_random_uuid(), $2, now(), 'log', '{"level": "info", "message": "up"}')`,
		tenantID, gw.DeviceID); err != nil {
		t.Fatal(err)
	}
}

// seedSecurity gives a tenant a security alert.
func seedSecurity(t *testing.T, e *cloudtest.Env, tenantID uuid.UUID) {
	t.Helper()
	ctx := auth.WithPrincipal(context.Background(), auth.System(tenantID))
	if _, err := e.Services.Security.Raise(ctx, security.NewAlert{Title: "Port scan", Severity: "high", ObservedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// seedCMDB gives a tenant one of every CMDB object: the hierarchy, a vendor,
// related assets, a diagram, drift, a discovered device and an ignored one.
func seedCMDB(t *testing.T, e *cloudtest.Env, s cloudtest.Session, tenantID uuid.UUID, account string) {
	t.Helper()
	create := func(path string, body any) string {
		t.Helper()
		r := e.Do(t, "POST", path, body, s.Bearer())
		if r.Status != 201 {
			t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
		}
		var out struct {
			ID string `json:"id"`
		}
		r.JSON(t, &out)
		return out.ID
	}
	site := create("/api/v1/sites", map[string]any{"name": "Plant " + account})
	if r := e.Do(t, "POST", "/api/v1/sites/"+site+"/zones/preset", nil, s.Bearer()); r.Status != 201 {
		t.Fatalf("preset: %d %s", r.Status, r.Body)
	}
	zone := create("/api/v1/zones", map[string]any{"name": "Cell 1", "site_id": site, "purdue_level": "1"})
	vlan := create("/api/v1/vlans", map[string]any{"number": 10, "zone_id": zone, "cidr": "10.0.10.0/24"})
	vendor := create("/api/v1/vendors", map[string]any{"name": "Vendor " + account})
	plc := create("/api/v1/assets", map[string]any{"name": "PLC", "category": "ot", "type": "plc", "site_id": site,
		"vlan_ids": []string{vlan}, "vendor_id": vendor, "mac_addresses": []string{"02:00:00:00:00:01"}, "firmware_version": "1.0"})
	hmi := create("/api/v1/assets", map[string]any{"name": "HMI", "category": "ot", "type": "hmi", "site_id": site})
	create("/api/v1/assets/"+hmi+"/relationships", map[string]any{"target_asset_id": plc, "type": "controls"})
	create("/api/v1/diagrams", map[string]any{"name": "Overview", "site_id": site, "preset": "full_stack"})

	ctx := auth.WithPrincipal(context.Background(), auth.System(tenantID))
	res, err := e.Services.CMDB.Reconcile(ctx, uuid.MustParse(site), uuid.New(), []cmdb.Observation{
		{MAC: "02:00:00:00:00:01", FirmwareVersion: "2.0"},
		{MAC: "02:00:00:00:00:02", IP: "10.0.10.2"},
		{MAC: "02:00:00:00:00:03", IP: "10.0.10.3"},
	})
	if err != nil || res.Created != 2 || res.DriftOpened != 1 {
		t.Fatalf("reconcile: %+v %v", res, err)
	}
	var queue struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	e.Do(t, "GET", "/api/v1/discovered", nil, s.Bearer()).JSON(t, &queue)
	if r := e.Do(t, "POST", "/api/v1/discovered/"+queue.Items[0].ID+"/ignore", nil, s.Bearer()); r.Status != 204 {
		t.Fatalf("ignore: %d %s", r.Status, r.Body)
	}

	var form bytes.Buffer
	w := multipart.NewWriter(&form)
	file, err := w.CreateFormFile("file", "assets.csv")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(file, "name,category,type,site\nImported,it,server,Plant %s\n", account)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	headers := s.Bearer()
	headers["Content-Type"] = w.FormDataContentType()
	if r := e.Do(t, "POST", "/api/v1/assets/import?dry_run=false", form.Bytes(), headers); r.Status != 202 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
}

// TestCrossTenantSweep is DESIGN.md §2.8's promise for every route at once:
// tenant A never reaches tenant B's objects.
func TestCrossTenantSweep(t *testing.T) {
	e := cloudtest.New(t)
	tenantA, a := e.ActiveTenant(t, "sweep-a", rbac.Features()...)
	tenantB, b := e.ActiveTenant(t, "sweep-b", rbac.Features()...)
	seedTenant(t, e, a, tenantA, "sweep-a")
	seedTenant(t, e, b, tenantB, "sweep-b")
	if leaks := cloudtest.CrossTenantSweep(t, e, a, b); len(leaks) > 0 {
		t.Fatalf("cross-tenant leaks:\n%s", strings.Join(leaks, "\n"))
	}
}

// TestCrossTenantSweepCatchesALeak adds a route that reads around row-level
// security and proves the sweep reports it.
func TestCrossTenantSweepCatchesALeak(t *testing.T) {
	e := cloudtest.New(t)
	_, a := e.ActiveTenant(t, "leak-a")
	_, b := e.ActiveTenant(t, "leak-b")
	e.Server.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/leaky/users/:id", Permission: "settings.users.read",
		Summary: "A broken route that ignores the tenant",
		Handler: func(c fiber.Ctx) error {
			id, err := uuid.Parse(c.Params("id"))
			if err != nil {
				return fiber.ErrNotFound
			}
			var email string
			op := database.Operation{Name: "test.leak", Actor: "test"}
			err = e.DB.Platform.InPlatform(context.Background(), op, func(tx *database.Tx) error {
				return tx.Get(context.Background(), &email, `SELECT email FROM users WHERE id = $1`, id)
			})
			if err != nil {
				return fiber.ErrNotFound
			}
			return c.JSON(map[string]string{"email": email})
		}})
	leaks := strings.Join(cloudtest.CrossTenantSweep(t, e, a, b), "\n")
	if !strings.Contains(leaks, "GET /api/v1/leaky/users/") {
		t.Fatalf("the sweep missed a leaking route; it reported:\n%s", leaks)
	}
}
