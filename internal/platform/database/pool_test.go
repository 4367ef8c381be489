package database_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/migrations"
)

func provision(t *testing.T, d *dbtest.DB, name string) uuid.UUID {
	t.Helper()
	id := uuid.New()
	err := d.Platform.InPlatform(context.Background(), database.Operation{Name: "test.provision", Actor: "test"}, func(tx *database.Tx) error {
		if _, err := tx.Exec(context.Background(), `INSERT INTO tenants (id, account_name, display_name) VALUES ($1, $2, $2)`, id, name); err != nil {
			return err
		}
		_, err := tx.Exec(context.Background(), `INSERT INTO tenant_settings (tenant_id) VALUES ($1)`, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func openPool(t *testing.T, url string, conns int) *database.DB {
	t.Helper()
	db, err := database.Open(context.Background(), database.Options{
		URL: url, MaxOpenConns: conns, MaxIdleConns: conns, ConnMaxLifetime: time.Hour, QueryTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// visible lists the tenant ids a transaction can see in both tenant tables.
func visible(t *testing.T, ctx context.Context, tx *database.Tx) []uuid.UUID {
	t.Helper()
	var ids []uuid.UUID
	if err := tx.Select(ctx, &ids, `SELECT id FROM tenants UNION ALL SELECT tenant_id FROM tenant_settings`); err != nil {
		t.Fatal(err)
	}
	return ids
}

// assertClean proves the next borrower of the (single) connection sees no
// tenant context and no tenant rows.
func assertClean(t *testing.T, db *database.DB, after string) {
	t.Helper()
	ctx := context.Background()
	err := db.ReadGlobal(ctx, func(tx *database.Tx) error {
		var setting string
		if err := tx.Get(ctx, &setting, `SELECT coalesce(current_setting('app.tenant_id', true), '')`); err != nil {
			return err
		}
		if setting != "" {
			return fmt.Errorf("app.tenant_id is still %q", setting)
		}
		if ids := visible(t, ctx, tx); len(ids) != 0 {
			return fmt.Errorf("tenant rows visible without a tenant: %v", ids)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("after %s: %v", after, err)
	}
}

func TestPooledConnectionNeverCarriesPreviousTenant(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	a, b := provision(t, d, "tenant-a"), provision(t, d, "tenant-b")
	db := openPool(t, d.AppURL, 1) // one connection: every call reuses it
	ctxA := auth.WithPrincipal(context.Background(), auth.System(a))
	ctxB := auth.WithPrincipal(context.Background(), auth.System(b))

	seesOnly := func(ctx context.Context, want uuid.UUID) {
		t.Helper()
		err := db.InTenant(ctx, func(tx *database.Tx) error {
			for _, id := range visible(t, ctx, tx) {
				if id != want {
					return fmt.Errorf("saw tenant %s while acting for %s", id, want)
				}
			}
			if tx.TenantID() != want {
				return fmt.Errorf("TenantID() = %s", tx.TenantID())
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	seesOnly(ctxA, a)
	assertClean(t, db, "a committed tenant transaction")
	seesOnly(ctxB, b)

	boom := errors.New("handler failed")
	if err := db.InTenant(ctxA, func(*database.Tx) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("want the handler error back, got %v", err)
	}
	assertClean(t, db, "a rolled-back transaction")

	err := db.InTenant(ctxA, func(tx *database.Tx) error {
		_, err := tx.Exec(ctxA, `SELECT no_such_column FROM tenants`)
		return err
	})
	if err == nil {
		t.Fatal("want the SQL error back")
	}
	assertClean(t, db, "an aborted transaction")

	func() {
		defer func() { _ = recover() }()
		_ = db.InTenant(ctxA, func(*database.Tx) error { panic("handler panicked") })
	}()
	assertClean(t, db, "a panic inside the transaction")

	// Session-level state set outside the helper is reset on reuse.
	if err := db.ExecSessionForTest(ctxA, `SELECT set_config('app.tenant_id', $1, false)`, a.String()); err != nil {
		t.Fatal(err)
	}
	assertClean(t, db, "a session-level set_config")
	seesOnly(ctxB, b)
}

func TestTenantTransactionCannotReachAnotherTenant(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	a, b := provision(t, d, "tenant-a"), provision(t, d, "tenant-b")
	ctxA := auth.WithPrincipal(context.Background(), auth.System(a))

	err := d.App.InTenant(ctxA, func(tx *database.Tx) error {
		n, err := tx.Exec(ctxA, `UPDATE tenant_settings SET audit_retention_days = 90 WHERE tenant_id = $1`, b)
		if err != nil || n != 0 {
			return fmt.Errorf("update of another tenant touched %d rows (err %v)", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Moving a row to another tenant violates the policy's WITH CHECK.
	err = d.App.InTenant(ctxA, func(tx *database.Tx) error {
		_, err := tx.Exec(ctxA, `UPDATE tenant_settings SET tenant_id = $1 WHERE tenant_id = $2`, b, a)
		return err
	})
	if err == nil {
		t.Fatal("a row was moved into another tenant")
	}
	if err := d.App.InTenant(context.Background(), func(*database.Tx) error { return nil }); !errors.Is(err, database.ErrNoTenant) {
		t.Fatalf("without a principal: want ErrNoTenant, got %v", err)
	}
	var notFound error = d.App.InTenant(ctxA, func(tx *database.Tx) error {
		var name string
		return tx.Get(ctxA, &name, `SELECT account_name FROM tenants WHERE id = $1`, b)
	})
	if !errs.Is(notFound, errs.KindNotFound) {
		t.Fatalf("another tenant's row: want not found, got %v", notFound)
	}
}

func TestConcurrentTenantsOnASmallPool(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	tenants := []uuid.UUID{provision(t, d, "tenant-a"), provision(t, d, "tenant-b"), provision(t, d, "tenant-c")}
	db := openPool(t, d.AppURL, 2)
	var wg sync.WaitGroup
	errc := make(chan error, 300)
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			want := tenants[i%len(tenants)]
			ctx := auth.WithPrincipal(context.Background(), auth.System(want))
			errc <- db.InTenant(ctx, func(tx *database.Tx) error {
				var ids []uuid.UUID
				if err := tx.Select(ctx, &ids, `SELECT tenant_id FROM tenant_settings`); err != nil {
					return err
				}
				if len(ids) != 1 || ids[0] != want {
					return fmt.Errorf("acting for %s saw %v", want, ids)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestPlatformOperationsAreAudited(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	ctx := context.Background()
	op := database.Operation{Name: "test.count", Actor: "test:audit", Detail: "counting tenants"}
	err := d.Platform.InPlatform(ctx, op, func(tx *database.Tx) error {
		var n int
		return tx.Get(ctx, &n, `SELECT count(*) FROM tenants`)
	})
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Operation string `db:"operation"`
		Actor     string `db:"actor"`
		DBUser    string `db:"db_user"`
	}
	err = d.Platform.InPlatform(ctx, database.Operation{Name: "test.read-audit", Actor: "test:audit"}, func(tx *database.Tx) error {
		return tx.Select(ctx, &rows, `SELECT operation, actor, db_user FROM platform_audit ORDER BY id`)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Operation != "test.count" || rows[0].Actor != "test:audit" || rows[0].DBUser != dbtest.PlatformUser {
		t.Fatalf("platform audit = %+v", rows)
	}
	// An operation whose audit row cannot be written does not run.
	err = d.Platform.InPlatform(ctx, database.Operation{Name: "", Actor: "test"}, func(*database.Tx) error {
		t.Fatal("ran without an audit record")
		return nil
	})
	if err == nil {
		t.Fatal("want an error for an unnamed operation")
	}
}

func TestErrorMapping(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	ctx := context.Background()
	cases := []struct {
		name string
		sql  string
		want errs.Kind
	}{
		{"unique violation", `INSERT INTO tenants (account_name, display_name) VALUES ('dup-name', 'x'), ('dup-name', 'y')`, errs.KindConflict},
		{"check violation", `INSERT INTO tenants (account_name, display_name) VALUES ('Bad Name!', 'x')`, errs.KindValidation},
		{"foreign key", `INSERT INTO tenant_settings (tenant_id) VALUES (gen_random_uuid())`, errs.KindValidation},
		{"invalid text", `SELECT 'not-a-uuid'::uuid`, errs.KindValidation},
		{"syntax is a bug", `SELEC 1`, errs.KindInternal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := d.Platform.InPlatform(ctx, database.Operation{Name: "test.errors", Actor: "test"}, func(tx *database.Tx) error {
				_, err := tx.Exec(ctx, tc.sql)
				return err
			})
			if got := errs.KindOf(err); got != tc.want {
				t.Fatalf("kind = %v, want %v (err %v)", got, tc.want, err)
			}
		})
	}
}

// TestSerializationFailureIsRetriedOnce: PostgreSQL asks clients to retry
// serialization failures; InTenant does, once, and then reports a conflict.
func TestSerializationFailureIsRetriedOnce(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	ctx := auth.WithPrincipal(context.Background(), auth.System(provision(t, d, "tenant-a")))
	const raise = `DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '40001'; END $$`

	calls := 0
	err := d.App.InTenant(ctx, func(tx *database.Tx) error {
		calls++
		if calls == 1 {
			_, err := tx.Exec(ctx, raise)
			return err
		}
		return nil
	})
	if err != nil || calls != 2 {
		t.Fatalf("transient failure: err %v after %d calls, want success after 2", err, calls)
	}

	calls = 0
	err = d.App.InTenant(ctx, func(tx *database.Tx) error {
		calls++
		_, err := tx.Exec(ctx, raise)
		return err
	})
	if calls != 2 || !errs.Is(err, errs.KindConflict) {
		t.Fatalf("persistent failure: err %v after %d calls, want a conflict after 2", err, calls)
	}
}
