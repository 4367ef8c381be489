package tenants_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/mgmt/deliveries"
	"github.com/monozu/monozu/internal/mgmt/mgmttest"
	"github.com/monozu/monozu/internal/mgmt/operators"
	"github.com/monozu/monozu/internal/mgmt/tenants"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// machineToken stands in for CLOUD_INTERNAL_API_TOKEN.
const machineToken = mgmttest.InternalToken

// env is the management API with the tenant routes, an admin and a
// support operator signed in, and a superuser connection to inspect tables.
type env struct {
	*mgmttest.Env
	admin, support mgmttest.Session
	adminID        uuid.UUID
	db             *sql.DB
}

// newEnv builds the management API with an admin and a support operator.
func newEnv(t *testing.T) *env {
	t.Helper()
	e := mgmttest.New(t)
	admin := e.CreateOperator(t, "ada@provider.example.com", operators.RoleAdmin)
	support := e.CreateOperator(t, "sam@provider.example.com", operators.RoleSupport)
	db, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return &env{Env: e, admin: e.Login(t, admin), support: e.Login(t, support), adminID: admin.ID, db: db}
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// report is a self-registration as the Cloud sends it, registered now so
// that lists sort in the order the tests register.
func report(account string) map[string]any {
	return map[string]any{"cloud_tenant_id": uuid.New(), "account_name": account, "organization_name": "Org " + account,
		"admin_email": "admin@" + account + ".example.com", "admin_name": "Admin of " + account,
		"registered_at": time.Now().UTC()}
}

// register reports a self-registration through the internal endpoint.
func (e *env) register(t *testing.T, account string) tenants.Tenant {
	t.Helper()
	r := e.Do(t, "POST", "/internal/v1/tenants/registrations", report(account), bearer(machineToken))
	if r.Status != 201 {
		t.Fatalf("registration %s: %d %s", account, r.Status, r.Body)
	}
	var out tenants.Tenant
	r.JSON(t, &out)
	return out
}

// licensed registers a tenant and gives it a licence, so it is active.
func (e *env) licensed(t *testing.T, account string) tenants.Tenant {
	t.Helper()
	tn := e.register(t, account)
	if r := e.Do(t, "PUT", "/api/v1/tenants/"+tn.ID.String()+"/license", licenseBody("security"), e.admin.Bearer()); r.Status != 200 {
		t.Fatalf("licence for %s: %d %s", account, r.Status, r.Body)
	}
	return tn
}

func licenseBody(features ...string) map[string]any {
	return map[string]any{"plan": "enterprise", "features": features,
		"limits":    map[string]int{"max_assets": 1000, "max_devices": 10, "max_users": 0},
		"starts_at": "2026-01-01T00:00:00Z", "expires_at": "2027-01-01T00:00:00Z", "notes": "annual contract"}
}

// pushes are the outbox rows of a tenant, oldest first.
func (e *env) pushes(t *testing.T, tenantID uuid.UUID) []deliveries.Payload {
	t.Helper()
	rows, err := e.db.QueryContext(context.Background(),
		`SELECT payload FROM webhook_deliveries WHERE managed_tenant_id = $1 ORDER BY created_at, id`, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var out []deliveries.Payload
	for rows.Next() {
		var raw []byte
		var p deliveries.Payload
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// statuses are the statuses a tenant's pushes carried, oldest first.
func (e *env) statuses(t *testing.T, tenantID uuid.UUID) []string {
	t.Helper()
	var out []string
	for _, p := range e.pushes(t, tenantID) {
		out = append(out, p.Status)
	}
	return out
}

// auditEntry is what the tests read of an operator_audit row.
type auditEntry struct {
	Action     string
	OperatorID *uuid.UUID
	ActorLabel string
	Changes    map[string]operators.Change
}

// audit returns a tenant's audit records, oldest first.
func (e *env) audit(t *testing.T, tenantID uuid.UUID) []auditEntry {
	t.Helper()
	rows, err := e.db.QueryContext(context.Background(), `SELECT action, operator_id, actor_label, changes FROM operator_audit
		WHERE resource_type = 'tenant' AND resource_id = $1 ORDER BY at, id`, tenantID.String())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var out []auditEntry
	for rows.Next() {
		var a auditEntry
		var raw []byte
		if err := rows.Scan(&a.Action, &a.OperatorID, &a.ActorLabel, &raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &a.Changes); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// page is a decoded list answer.
type page struct {
	Items      []tenants.Tenant `json:"items"`
	NextCursor *string          `json:"next_cursor"`
}

// listed asserts a list answer holds exactly the accounts named, in order.
func listed(accounts ...string) func(t *testing.T, r *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var p page
		r.JSON(t, &p)
		var got []string
		for _, tn := range p.Items {
			got = append(got, tn.AccountName)
		}
		if len(got) != len(accounts) {
			t.Fatalf("listed %v, want %v", got, accounts)
		}
		for i := range got {
			if got[i] != accounts[i] {
				t.Fatalf("listed %v, want %v", got, accounts)
			}
		}
	}
}
