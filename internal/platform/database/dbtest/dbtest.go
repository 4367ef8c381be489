// Package dbtest gives each test its own migrated PostgreSQL database.
//
// It uses MONOZU_TEST_DATABASE_URL (a superuser URL) when set; otherwise it
// starts a throwaway cluster in the temp folder, shared by every test process
// of the run. Each migration set is applied once to a template database
// (named after a hash of the migrations, so edited migrations get a fresh
// template), and every test clones it, so tests can run in parallel.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the pgx driver

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/localpg"
	"github.com/monozu/monozu/internal/platform/database/migrate"
	"github.com/monozu/monozu/migrations"
)

// Login roles of test databases. Their passwords are not secrets: the
// throwaway cluster listens on loopback only.
const (
	AppUser          = "monozu_test_app"
	AppPassword      = "test-app-password"
	PlatformUser     = "monozu_test_platform"
	PlatformPassword = "test-platform-password"
)

// AppUserOf and PlatformUserOf name a set's test login roles: roles are
// cluster-wide, and each login must belong to one set's group only.
func AppUserOf(set migrations.Set) string {
	if set.Name == "cloud" {
		return AppUser
	}
	return AppUser + "_" + set.Name
}

// PlatformUserOf names the set's platform login role.
func PlatformUserOf(set migrations.Set) string {
	if set.Name == "cloud" {
		return PlatformUser
	}
	return PlatformUser + "_" + set.Name
}

// DB is one test's database.
type DB struct {
	Name        string
	App         *database.DB
	Platform    *database.Platform
	AppURL      string
	PlatformURL string
	AdminURL    string // superuser, for guard tests that inspect the catalogue
}

var (
	serverOnce sync.Once
	serverURL  string // superuser URL of the postgres database
	serverErr  error
)

// ClusterDir is where the throwaway cluster lives.
func ClusterDir() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("monozu-test-pg-%d", os.Getuid()))
}

func server() (string, error) {
	serverOnce.Do(func() {
		if u := os.Getenv("MONOZU_TEST_DATABASE_URL"); u != "" {
			serverURL = u
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		settings := localpg.Settings{Durable: false, MaxConnections: 400}
		c, err := localpg.Ensure(ctx, ClusterDir(), settings)
		if err != nil {
			// The cluster is throwaway (and runs without fsync): one that no
			// longer starts is made anew rather than debugged.
			_ = localpg.Stop(ctx, ClusterDir())
			_ = os.RemoveAll(ClusterDir())
			c, err = localpg.Ensure(ctx, ClusterDir(), settings)
		}
		if err != nil {
			serverErr = fmt.Errorf("starting the test PostgreSQL cluster: %w", err)
			return
		}
		serverURL = c.SuperuserURL("postgres")
	})
	return serverURL, serverErr
}

// New returns a fresh database migrated with set, dropped when t ends.
func New(t testing.TB, set migrations.Set) *DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin, err := server()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := template(ctx, admin, set)
	if err != nil {
		t.Fatalf("preparing the %s template database: %v", set.Name, err)
	}
	name := "t_" + set.Name + "_" + randomHex(6)
	if err := clone(ctx, admin, set, tpl, name); err != nil {
		t.Fatalf("cloning the template database: %v", err)
	}
	d := &DB{
		Name:        name,
		AdminURL:    withDB(admin, name),
		AppURL:      withLogin(admin, AppUserOf(set), AppPassword, name),
		PlatformURL: withLogin(admin, PlatformUserOf(set), PlatformPassword, name),
	}
	opts := database.Options{URL: d.AppURL, AppName: "monozu-test", MaxOpenConns: 4, MaxIdleConns: 2,
		ConnMaxLifetime: time.Minute, QueryTimeout: 30 * time.Second}
	if d.App, err = database.Open(ctx, opts); err != nil {
		t.Fatal(err)
	}
	opts.URL, opts.MaxOpenConns = d.PlatformURL, 2
	if d.Platform, err = database.OpenPlatform(ctx, opts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = d.App.Close()
		_ = d.Platform.Close()
		drop(admin, name)
	})
	return d
}

var (
	templatesMu sync.Mutex
	templates   = map[string]string{}
)

// template returns the template database for set, creating it once. An
// advisory lock in the server's postgres database serialises test processes.
func template(ctx context.Context, admin string, set migrations.Set) (string, error) {
	templatesMu.Lock()
	defer templatesMu.Unlock()
	h, err := hashFS(set.FS, migrate.Fingerprint(set))
	if err != nil {
		return "", err
	}
	name := fmt.Sprintf("tpl_%s_%s", set.Name, h)
	if templates[set.Name] == name {
		return name, nil
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return "", err
	}
	defer func() { _ = db.Close() }()
	conn, err := db.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer func() { _ = conn.Close() }()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(4242)"); err != nil {
		return "", err
	}
	defer func() { _, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(4242)") }()

	var ready bool
	err = conn.QueryRowContext(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", name).Scan(&ready)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !ready) {
		// Absent, or left half-made by an interrupted run: build it anew.
		_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)")
		_, err = migrate.Run(ctx, set, migrate.Targets{
			AdminURL:    admin,
			AppURL:      withLogin(admin, AppUserOf(set), AppPassword, name),
			PlatformURL: withLogin(admin, PlatformUserOf(set), PlatformPassword, name),
		})
		if err == nil {
			_, err = conn.ExecContext(ctx, "ALTER DATABASE "+ident(name)+" IS_TEMPLATE true ALLOW_CONNECTIONS false")
		}
	}
	if err != nil {
		return "", err
	}
	templates[set.Name] = name
	return name, nil
}

func clone(ctx context.Context, admin string, set migrations.Set, tpl, name string) error {
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	stmt := fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s OWNER %s", ident(name), ident(tpl), ident(set.OwnerRole))
	for attempt := 0; ; attempt++ {
		_, err = db.ExecContext(ctx, stmt)
		// 55006: the template is still in use by a closing connection.
		var pgErr *pgconn.PgError
		if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "55006" || attempt > 50 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		return err
	}
	target, err := sql.Open("pgx", withDB(admin, name))
	if err != nil {
		return err
	}
	defer func() { _ = target.Close() }()
	for _, s := range migrate.DatabaseGrants(set, name) {
		if _, err := target.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

func drop(admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return
	}
	defer func() { _ = db.Close() }()
	_, _ = db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)")
}

func hashFS(fsys fs.FS, salt string) (string, error) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(salt))
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		_, _ = h.Write([]byte(path))
		_, _ = h.Write(b)
		return nil
	})
	return fmt.Sprintf("%016x", h.Sum64()), err
}

func withDB(raw, database string) string {
	u, _ := url.Parse(raw)
	u.Path = "/" + database
	return u.String()
}

func withLogin(raw, user, password, database string) string {
	u, _ := url.Parse(withDB(raw, database))
	u.User = url.UserPassword(user, password)
	return u.String()
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
