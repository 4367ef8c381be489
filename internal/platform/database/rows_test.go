package database_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/migrations"
)

// slowRows yields five rows, one every 60 ms: longer in total than the
// short query timeout of the pool below, shorter than any transaction deadline.
const slowRows = `SELECT g FROM generate_series(1, 5) g WHERE pg_sleep(0.06)::text = ''`

func openShortTimeoutPool(t *testing.T, url string) *database.DB {
	t.Helper()
	db, err := database.Open(context.Background(), database.Options{
		URL: url, MaxOpenConns: 2, MaxIdleConns: 2, ConnMaxLifetime: time.Hour, QueryTimeout: 150 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func collectInts(ctx context.Context, tx *database.Tx, query string, args ...any) ([]int, error) {
	var out []int
	err := tx.Each(ctx, query, args, func(rows *sqlx.Rows) error {
		var n int
		if err := rows.Scan(&n); err != nil {
			return err
		}
		out = append(out, n)
		return nil
	})
	return out, err
}

func TestEachStreamsRowsOfTheTenantOnly(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	a := provision(t, d, "tenant-a")
	provision(t, d, "tenant-b")
	ctx := auth.WithPrincipal(context.Background(), auth.System(a))

	err := d.App.InTenant(ctx, func(tx *database.Tx) error {
		got, err := collectInts(ctx, tx, `SELECT g FROM generate_series(1, $1::int) g ORDER BY g`, 1000)
		if err != nil {
			return err
		}
		if len(got) != 1000 || got[0] != 1 || got[999] != 1000 {
			t.Fatalf("streamed %d rows (%v…)", len(got), got[:min(len(got), 3)])
		}
		var seen []uuid.UUID
		err = tx.Each(ctx, `SELECT id FROM tenants`, nil, func(rows *sqlx.Rows) error {
			var id uuid.UUID
			if err := rows.Scan(&id); err != nil {
				return err
			}
			seen = append(seen, id)
			return nil
		})
		if err != nil {
			return err
		}
		if len(seen) != 1 || seen[0] != a {
			t.Fatalf("tenant %s saw tenants %v", a, seen)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEachHasNoPerCallTimeoutButKeepsTheTransactionDeadline(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	tenant := provision(t, d, "exporter")
	db := openShortTimeoutPool(t, d.AppURL)
	principal := auth.WithPrincipal(context.Background(), auth.System(tenant))

	long, cancel := context.WithTimeout(principal, 30*time.Second)
	defer cancel()
	err := db.InTenant(long, func(tx *database.Tx) error {
		got, err := collectInts(long, tx, slowRows)
		if err != nil {
			return err
		}
		if len(got) != 5 {
			t.Fatalf("streamed %v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Each under a long transaction deadline: %v", err)
	}

	err = db.InTenant(long, func(tx *database.Tx) error {
		var all []int
		return tx.Select(long, &all, slowRows)
	})
	if !errs.Is(err, errs.KindUnavailable) {
		t.Fatalf("Select of the same query: want the per-call timeout (unavailable), got %v", err)
	}

	short, cancelShort := context.WithTimeout(principal, 120*time.Millisecond)
	defer cancelShort()
	err = db.InTenant(short, func(tx *database.Tx) error {
		_, err := collectInts(short, tx, slowRows)
		return err
	})
	if !errs.Is(err, errs.KindUnavailable) {
		t.Fatalf("Each past the transaction deadline: want unavailable, got %v", err)
	}
}

func TestEachErrors(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	ctx := auth.WithPrincipal(context.Background(), auth.System(provision(t, d, "errors")))

	err := d.App.InTenant(ctx, func(tx *database.Tx) error {
		_, err := collectInts(ctx, tx, `SELECT 'not a number'::int`)
		return err
	})
	if !errs.Is(err, errs.KindValidation) {
		t.Fatalf("bad text: want the mapped validation error, got %v", err)
	}

	stop := errors.New("enough")
	err = d.App.InTenant(ctx, func(tx *database.Tx) error {
		calls := 0
		err := tx.Each(ctx, `SELECT g FROM generate_series(1, 10000) g`, nil, func(*sqlx.Rows) error {
			calls++
			if calls == 3 {
				return stop
			}
			return nil
		})
		if err != stop || calls != 3 {
			t.Fatalf("scan error: got %v after %d calls, want it unchanged after 3", err, calls)
		}
		var one int
		return tx.Get(ctx, &one, `SELECT 1`)
	})
	if err != nil {
		t.Fatalf("the transaction after a scan error: %v", err)
	}
}
