package auditlog_test

import (
	"context"
	"database/sql"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // the superuser connection that seeds entries

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/auditlog"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/requestmeta"
)

const listPath = "/api/v1/settings/audit"

// env is the Cloud API plus a superuser connection for seeding entries at
// chosen times.
type env struct {
	*cloudtest.Env
	admin *sql.DB
}

// newEnv builds the API; exportCap, when given, lowers the export cap so
// tests can reach it without a million entries.
func newEnv(t *testing.T, exportCap ...int) *env {
	t.Helper()
	e := cloudtest.New(t, func(d *cloud.Deps) {
		if len(exportCap) > 0 {
			d.AuditExportCap = exportCap[0]
		}
	})
	admin, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	return &env{Env: e, admin: admin}
}

// org is a registered, licensed organisation with its signed-in admin.
type org struct {
	ID      uuid.UUID
	AdminID uuid.UUID
	Email   string
	Admin   cloudtest.Session
}

func (e *env) org(t *testing.T, account string) org {
	t.Helper()
	id, s := e.ActiveTenant(t, account)
	return org{ID: id, AdminID: e.userID(t, s), Email: "admin@" + account + ".example.com", Admin: s}
}

// userID is the id of the user signed in as s.
func (e *env) userID(t *testing.T, s cloudtest.Session) uuid.UUID {
	t.Helper()
	var me struct {
		User struct {
			ID uuid.UUID `json:"id"`
		} `json:"user"`
	}
	e.Do(t, "GET", "/api/v1/me", nil, s.Bearer()).JSON(t, &me)
	return me.User.ID
}

// write records entries through the real audit writer in one transaction,
// so they share one time and differ only by id.
func (e *env) write(t *testing.T, tenantID uuid.UUID, meta requestmeta.Meta, records ...audit.Record) {
	t.Helper()
	ctx := requestmeta.With(auth.WithPrincipal(context.Background(), auth.System(tenantID)), meta)
	err := e.DB.App.InTenant(ctx, func(tx *database.Tx) error {
		for _, r := range records {
			if err := audit.Write(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// writeAt inserts an entry at a chosen time, which the writer (always now())
// cannot do.
func (e *env) writeAt(t *testing.T, tenantID uuid.UUID, action string, at time.Time) uuid.UUID {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	if _, err := e.admin.Exec(`INSERT INTO audit_log (tenant_id, id, at, actor_type, action) VALUES ($1, $2, $3, 'system', $4)`,
		tenantID, id, at, action); err != nil {
		t.Fatal(err)
	}
	return id
}

// userWithoutGroups adds an active user who belongs to no group, and so
// holds no permission, and signs them in.
func (e *env) userWithoutGroups(t *testing.T, tenantID uuid.UUID, email string) cloudtest.Session {
	t.Helper()
	hash, err := auth.NewPasswords(cloudtest.PasswordCost).Hash(cloudtest.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Exec(`INSERT INTO users (tenant_id, email, display_name, status, password_hash)
		VALUES ($1, $2, 'No groups', 'active', $3)`, tenantID, email, hash); err != nil {
		t.Fatal(err)
	}
	return e.Login(t, email)
}

// page fetches one page of the list.
func (e *env) page(t *testing.T, s cloudtest.Session, query url.Values) httpapi.Page[auditlog.Entry] {
	t.Helper()
	r := e.Do(t, "GET", withQuery(listPath, query), nil, s.Bearer())
	if r.Status != 200 {
		t.Fatalf("list %v: %d %s", query, r.Status, r.Body)
	}
	var p httpapi.Page[auditlog.Entry]
	r.JSON(t, &p)
	return p
}

// all fetches every entry matching query in one page of the largest size.
func (e *env) all(t *testing.T, s cloudtest.Session, query url.Values) []auditlog.Entry {
	t.Helper()
	q := url.Values{"limit": {"200"}}
	for k, v := range query {
		q[k] = v
	}
	p := e.page(t, s, q)
	if p.NextCursor != nil {
		t.Fatal("more than one page of entries; the test expects fewer")
	}
	return p.Items
}

func withQuery(path string, query url.Values) string {
	if len(query) == 0 {
		return path
	}
	return path + "?" + query.Encode()
}

func actions(entries []auditlog.Entry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Action
	}
	return out
}

func ids(entries []auditlog.Entry) []uuid.UUID {
	out := make([]uuid.UUID, len(entries))
	for i, e := range entries {
		out[i] = e.ID
	}
	return out
}
