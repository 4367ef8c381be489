package migrate_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/database/migrate"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/migrations"
)

func open(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// snapshot is everything a migration run could change, as text.
func snapshot(t *testing.T, db *sql.DB, roles []string) string {
	t.Helper()
	rows, err := db.Query(`
SELECT 'rel ' || c.relname || ' ' || pg_get_userbyid(c.relowner) || ' ' || coalesce(c.relacl::text, '') || ' ' || c.relforcerowsecurity
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
UNION ALL SELECT 'policy ' || polname || ' ' || polrelid::regclass::text FROM pg_policy
UNION ALL SELECT 'role ' || rolname || ' ' || rolsuper || rolbypassrls || rolcanlogin || rolcreaterole || rolcreatedb FROM pg_roles WHERE rolname = ANY ($1)
UNION ALL SELECT 'member ' || pg_get_userbyid(member) || ' of ' || pg_get_userbyid(roleid) FROM pg_auth_members WHERE pg_get_userbyid(member) = ANY ($1)
UNION ALL SELECT 'db ' || datname || ' ' || pg_get_userbyid(datdba) || ' ' || coalesce(datacl::text, '') FROM pg_database WHERE datname = current_database()
UNION ALL SELECT 'migrations ' || count(*) FROM goose_db_version
ORDER BY 1`, roles)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var lines []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n")
}

func TestRunTwiceChangesNothing(t *testing.T) {
	set := migrations.Cloud()
	d := dbtest.New(t, set)
	admin := open(t, d.AdminURL)
	roles := []string{dbtest.AppUser, dbtest.PlatformUser, set.OwnerRole, set.AppRole, set.PlatformRole}
	before := snapshot(t, admin, roles)
	latest, err := migrate.Latest(set)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		res, err := migrate.Run(context.Background(), set, migrate.Targets{AdminURL: d.AdminURL, AppURL: d.AppURL, PlatformURL: d.PlatformURL})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Applied) != 0 || res.Version != latest {
			t.Fatalf("re-run applied %v, version %d (latest %d)", res.Applied, res.Version, latest)
		}
	}
	if after := snapshot(t, admin, roles); after != before {
		t.Fatalf("a second run changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestRunCreatesRolesAndDatabase is the first start against an existing
// server: the app role and the database do not exist yet. Two migrators
// start at once, as two instances would.
func TestRunCreatesRolesAndDatabase(t *testing.T) {
	set := migrations.Cloud()
	d := dbtest.New(t, set) // only for the server's admin URL
	suffix := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	appUser, dbName := "fresh_app_"+suffix, "fresh_db_"+suffix
	adminURL := withPath(t, d.AdminURL, "postgres")
	appURL := withLogin(t, d.AdminURL, appUser, "fresh-password", dbName)
	admin := open(t, adminURL)
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + dbName + ` WITH (FORCE)`)
		_, _ = admin.Exec(`DROP ROLE IF EXISTS ` + appUser)
	})

	var wg sync.WaitGroup
	results := make([]migrate.Result, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = migrate.Run(context.Background(), set, migrate.Targets{AdminURL: adminURL, AppURL: appURL})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("migrator %d: %v", i, err)
		}
	}
	if applied := len(results[0].Applied) + len(results[1].Applied); applied != len(mustEntries(t, set)) {
		t.Fatalf("migrations applied %d times in total across both runs, want each once", applied)
	}

	var super, bypass bool
	if err := admin.QueryRow(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`, appUser).Scan(&super, &bypass); err != nil {
		t.Fatal(err)
	}
	if super || bypass {
		t.Fatalf("app role superuser=%v bypassrls=%v", super, bypass)
	}
	db, err := database.Open(context.Background(), database.Options{URL: appURL, MaxOpenConns: 1, QueryTimeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("the new app role cannot connect: %v", err)
	}
	defer func() { _ = db.Close() }()
	if err := migrate.Current(context.Background(), db, set); err != nil {
		t.Fatalf("freshly migrated database not current: %v", err)
	}
}

func TestCurrentReportsPendingMigrations(t *testing.T) {
	set := migrations.Cloud()
	d := dbtest.New(t, set)
	admin := open(t, d.AdminURL)
	if _, err := admin.Exec(`DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	err := migrate.Current(context.Background(), d.App, set)
	if !errs.Is(err, errs.KindUnavailable) || !strings.Contains(err.Error(), "pending") {
		t.Fatalf("want a pending-migrations error, got %v", err)
	}
}

func mustEntries(t *testing.T, set migrations.Set) []int64 {
	t.Helper()
	latest, err := migrate.Latest(set)
	if err != nil {
		t.Fatal(err)
	}
	var versions []int64
	for v := int64(1); v <= latest; v++ {
		versions = append(versions, v)
	}
	return versions
}

func withPath(t *testing.T, raw, database string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + database
	return u.String()
}

func withLogin(t *testing.T, raw, user, password, database string) string {
	t.Helper()
	u, err := url.Parse(withPath(t, raw, database))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, password)
	return fmt.Sprint(u)
}
