package edge_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// testClock is the clock commands, keys and statuses are judged at. Each
// reading moves it on by a millisecond, so records made one after another
// have distinct times, as on a wall clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fleet is a Cloud API with its clock and an admin connection.
type fleet struct {
	*cloudtest.Env
	clock *testClock
	admin *sql.DB
}

// newFleet builds the fleet on its test clock; adjust may change other
// settings.
func newFleet(t *testing.T, adjust ...func(*cloud.Deps)) *fleet {
	t.Helper()
	clock := &testClock{t: time.Now().UTC()}
	e := cloudtest.New(t, append([]func(*cloud.Deps){func(d *cloud.Deps) { d.Clock = clock.now }}, adjust...)...)
	admin, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	return &fleet{Env: e, clock: clock, admin: admin}
}

// systemCtx acts for the tenant, as a background job does.
func (f *fleet) systemCtx(tenantID uuid.UUID) context.Context {
	return auth.WithPrincipal(context.Background(), auth.System(tenantID))
}

func (f *fleet) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := f.admin.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func decode[T any](t *testing.T, r *apitest.Response) T {
	t.Helper()
	var v T
	r.JSON(t, &v)
	return v
}

func ok(t *testing.T, r *apitest.Response, status int) *apitest.Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

func (f *fleet) createKey(t *testing.T, s cloudtest.Session, body map[string]any) edge.CreatedKey {
	t.Helper()
	return decode[edge.CreatedKey](t, ok(t, f.Do(t, "POST", "/api/v1/edge/keys", body, s.Bearer()), 201))
}

func (f *fleet) site(t *testing.T, s cloudtest.Session, name string) uuid.UUID {
	t.Helper()
	r := ok(t, f.Do(t, "POST", "/api/v1/sites", map[string]any{"name": name}, s.Bearer()), 201)
	return decode[struct {
		ID uuid.UUID `json:"id"`
	}](t, r).ID
}

func registration(account, name string) map[string]any {
	return map[string]any{"account_name": account, "name": name, "location": "Cabinet 3", "hostname": name + ".plant.local",
		"agent_version": "1.2.0", "os": "linux", "arch": "arm64", "capabilities": []string{"discovery", "modbus"}}
}

func (f *fleet) register(t *testing.T, key, account, name string) edge.Registered {
	t.Helper()
	r := f.Do(t, "POST", "/api/v1/devices/register", registration(account, name), map[string]string{edge.ProvisioningKeyHeader: key})
	return decode[edge.Registered](t, ok(t, r, 201))
}

// device registers a device in the tenant with a fresh key.
func (f *fleet) device(t *testing.T, s cloudtest.Session, account, name string) edge.Registered {
	t.Helper()
	return f.register(t, f.createKey(t, s, map[string]any{"label": "for " + name}).Key, account, name)
}

func deviceKey(d edge.Registered) map[string]string {
	return map[string]string{edge.DeviceKeyHeader: d.DeviceKey}
}

type auditEntry struct {
	Action, ResourceID, ActorType, ActorLabel string
	ActorID                                   *uuid.UUID
	Changes                                   map[string]json.RawMessage
}

func (f *fleet) audit(t *testing.T, tenantID uuid.UUID, action string) []auditEntry {
	t.Helper()
	rows, err := f.admin.Query(`SELECT action, resource_id, actor_type, actor_label, actor_id, changes FROM audit_log
		WHERE tenant_id = $1 AND action = $2 ORDER BY at, id`, tenantID, action)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var out []auditEntry
	for rows.Next() {
		var a auditEntry
		var changes []byte
		if err := rows.Scan(&a.Action, &a.ResourceID, &a.ActorType, &a.ActorLabel, &a.ActorID, &changes); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(changes, &a.Changes); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func fieldError(field, code string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		for _, e := range r.Problem(t).Errors {
			if e.Field == field && e.Code == code {
				return
			}
		}
		t.Fatalf("no %s error on %s: %s", code, field, r.Body)
	}
}
