// Package migrate prepares a database for Monozu: it creates or updates the
// owner, app and platform roles, creates the database when missing, and
// applies the embedded migrations as the owner role. Running it again changes
// nothing; two instances starting together take turns on an advisory lock.
package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/monozu/monozu/internal/platform/jobs"
	"github.com/monozu/monozu/migrations"
)

// Targets are the connection URLs involved.
type Targets struct {
	// AdminURL is a role allowed to create roles and databases (a superuser
	// when a platform role with BYPASSRLS is wanted).
	AdminURL string
	// AppURL is the service's connection; its user, password and database
	// are created or updated to match.
	AppURL string
	// PlatformURL optionally names the audited platform login role.
	PlatformURL string
}

// Result reports what Run did.
type Result struct {
	Database string
	Applied  []int64 // versions applied by this run
	Version  int64   // version after the run
	// JobQueueApplied are the job queue schema versions applied by this run.
	JobQueueApplied []int
}

type login struct{ user, password, database string }

func parseLogin(name, raw string) (login, error) {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return login{}, fmt.Errorf("%s is not a postgres URL with a user", name)
	}
	pw, _ := u.User.Password()
	l := login{user: u.User.Username(), password: pw, database: strings.TrimPrefix(u.Path, "/")}
	if l.user == "" || l.database == "" {
		return login{}, fmt.Errorf("%s must name a user and a database", name)
	}
	if l.password == "" {
		return login{}, fmt.Errorf("%s must carry a password for role %q", name, l.user)
	}
	return l, nil
}

// Run brings the database of t.AppURL to the newest migration of set.
func Run(ctx context.Context, set migrations.Set, t Targets) (Result, error) {
	app, err := parseLogin("DATABASE_URL", t.AppURL)
	if err != nil {
		return Result{}, err
	}
	var platform *login
	if t.PlatformURL != "" {
		p, err := parseLogin("DATABASE_PLATFORM_URL", t.PlatformURL)
		if err != nil {
			return Result{}, err
		}
		if p.database != app.database {
			return Result{}, errors.New("DATABASE_PLATFORM_URL must name the same database as DATABASE_URL")
		}
		platform = &p
	}
	for _, l := range []*login{&app, platform} {
		if l != nil && (l.user == set.OwnerRole || l.user == set.AppRole || l.user == set.PlatformRole || l.user == set.DefinerRole) {
			return Result{}, fmt.Errorf("login role %q collides with a group role of the %s database", l.user, set.Name)
		}
	}

	admin, err := sql.Open("pgx", t.AdminURL)
	if err != nil {
		return Result{}, fmt.Errorf("DATABASE_ADMIN_URL: %w", err)
	}
	defer func() { _ = admin.Close() }()
	adminConn, err := admin.Conn(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("DATABASE_ADMIN_URL: %w", err)
	}
	defer func() { _ = adminConn.Close() }()
	// One migrator at a time per migration set: creating the database, the
	// roles and the schema all happen under this lock (and the same lock in
	// the target database, for migrators whose admin URLs differ).
	lockID := advisoryKey(set.Name)
	unlock, err := advisoryLock(ctx, adminConn, lockID)
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	if err := ensureDatabase(ctx, adminConn, set, app.database); err != nil {
		return Result{}, err
	}

	targetAdminURL, err := withDatabase(t.AdminURL, app.database)
	if err != nil {
		return Result{}, err
	}
	target, err := sql.Open("pgx", targetAdminURL)
	if err != nil {
		return Result{}, err
	}
	defer func() { _ = target.Close() }()
	conn, err := target.Conn(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("connecting to database %q as admin: %w", app.database, err)
	}
	defer func() { _ = conn.Close() }()

	// A distinct key: the admin URL may point at this same database.
	unlockTarget, err := advisoryLock(ctx, conn, advisoryKey(set.Name+"/target"))
	if err != nil {
		return Result{}, err
	}
	defer unlockTarget()

	if err := ensureRoles(ctx, conn, set, app, platform); err != nil {
		return Result{}, err
	}
	if err := grantDatabase(ctx, conn, set, app.database); err != nil {
		return Result{}, err
	}
	owner, err := openAsOwner(set, targetAdminURL)
	if err != nil {
		return Result{}, err
	}
	defer func() { _ = owner.Close() }()
	res, err := applyMigrations(ctx, set, owner)
	if err != nil {
		return Result{}, err
	}
	grants := []string{fmt.Sprintf("GRANT SELECT ON goose_db_version TO %s", ident(set.AppRole))}
	if set.JobQueue {
		if res.JobQueueApplied, err = jobs.Migrate(ctx, owner); err != nil {
			return Result{}, err
		}
		queueGrants, err := jobs.Grants(ctx, owner, set.AppRole)
		if err != nil {
			return Result{}, err
		}
		grants = append(grants, queueGrants...)
	}
	for _, g := range grants {
		if _, err := conn.ExecContext(ctx, g); err != nil {
			return Result{}, fmt.Errorf("%s: %w", g, err)
		}
	}
	res.Database = app.database
	return res, nil
}

// openAsOwner connects as the admin and acts as the owner role, so every
// object the migrations create belongs to the owner.
func openAsOwner(set migrations.Set, adminURL string) (*sql.DB, error) {
	cc, err := pgx.ParseConfig(adminURL)
	if err != nil {
		return nil, err
	}
	owner := set.OwnerRole
	return stdlib.OpenDB(*cc, stdlib.OptionAfterConnect(func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, "SET ROLE "+ident(owner))
		return err
	})), nil
}

func advisoryLock(ctx context.Context, conn *sql.Conn, id int64) (func(), error) {
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", id); err != nil {
		return nil, fmt.Errorf("taking the migration lock: %w", err)
	}
	return func() { _, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", id) }, nil
}

func ensureDatabase(ctx context.Context, admin *sql.Conn, set migrations.Set, name string) error {
	// Roles are cluster-wide; the owner must exist to own a new database.
	if err := ensureGroup(ctx, admin, set.OwnerRole); err != nil {
		return err
	}
	var exists bool
	if err := admin.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("DATABASE_ADMIN_URL: %w", err)
	}
	if exists {
		return nil
	}
	// The admin must be able to act as the owner (automatic for superusers).
	if _, err := admin.ExecContext(ctx, fmt.Sprintf("GRANT %s TO CURRENT_USER", ident(set.OwnerRole))); err != nil {
		return err
	}
	_, err := admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s OWNER %s ENCODING 'UTF8' TEMPLATE template0", ident(name), ident(set.OwnerRole)))
	return err
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func ensureGroup(ctx context.Context, db execer, role string) error {
	_, err := db.ExecContext(ctx, fmt.Sprintf("CREATE ROLE %s NOLOGIN", ident(role)))
	if isCode(err, "42710") || isCode(err, "23505") { // exists (or created concurrently)
		return nil
	}
	return err
}

// ensureRoles creates the group roles and the login roles, and (re)asserts
// the login roles' attributes and passwords on every run.
func ensureRoles(ctx context.Context, conn *sql.Conn, set migrations.Set, app login, platform *login) error {
	for _, g := range []string{set.OwnerRole, set.AppRole, set.PlatformRole, set.DefinerRole} {
		if err := ensureGroup(ctx, conn, g); err != nil {
			return fmt.Errorf("creating role %s: %w", g, err)
		}
	}
	stmts := []string{
		fmt.Sprintf("GRANT %s TO CURRENT_USER", ident(set.OwnerRole)),
		// The definer reads across tenants for the pre-tenant lookups only;
		// the owner may hand it those functions.
		fmt.Sprintf("ALTER ROLE %s NOLOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE", ident(set.DefinerRole)),
		fmt.Sprintf("GRANT %s TO %s", ident(set.DefinerRole), ident(set.OwnerRole)),
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	const appAttrs = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT"
	if err := ensureLogin(ctx, conn, app, appAttrs, set.AppRole); err != nil {
		return err
	}
	if platform != nil {
		// BYPASSRLS is the point of this role; granting it needs a superuser.
		const platformAttrs = "LOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT"
		if err := ensureLogin(ctx, conn, *platform, platformAttrs, set.PlatformRole); err != nil {
			return err
		}
	}
	return nil
}

func ensureLogin(ctx context.Context, conn *sql.Conn, l login, attrs, group string) error {
	pw := "PASSWORD " + literal(l.password)
	_, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE ROLE %s %s %s", ident(l.user), attrs, pw))
	if isCode(err, "42710") {
		_, err = conn.ExecContext(ctx, fmt.Sprintf("ALTER ROLE %s %s %s", ident(l.user), attrs, pw))
	}
	if err != nil {
		return fmt.Errorf("creating login role %s: %w", l.user, err)
	}
	// The login role gets its privileges through the group and nothing else.
	_, err = conn.ExecContext(ctx, fmt.Sprintf("GRANT %s TO %s", ident(group), ident(l.user)))
	return err
}

func grantDatabase(ctx context.Context, conn *sql.Conn, set migrations.Set, database string) error {
	for _, s := range DatabaseGrants(set, database) {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// DatabaseGrants are the database- and schema-level privileges of the three
// roles. Database privileges are not copied by CREATE DATABASE ... TEMPLATE,
// so test clones apply them again.
func DatabaseGrants(set migrations.Set, database string) []string {
	db := ident(database)
	return []string{
		"REVOKE ALL ON DATABASE " + db + " FROM PUBLIC",
		fmt.Sprintf("GRANT CONNECT, TEMPORARY ON DATABASE %s TO %s, %s", db, ident(set.AppRole), ident(set.PlatformRole)),
		fmt.Sprintf("GRANT ALL ON DATABASE %s TO %s", db, ident(set.OwnerRole)),
		"REVOKE CREATE ON SCHEMA public FROM PUBLIC",
		fmt.Sprintf("GRANT USAGE, CREATE ON SCHEMA public TO %s", ident(set.OwnerRole)),
		fmt.Sprintf("GRANT USAGE ON SCHEMA public TO %s, %s", ident(set.AppRole), ident(set.PlatformRole)),
		// PostgreSQL requires CREATE for a role to be given functions; the
		// definer cannot log in, so only the owner could ever use it.
		fmt.Sprintf("GRANT USAGE, CREATE ON SCHEMA public TO %s", ident(set.DefinerRole)),
	}
}

func applyMigrations(ctx context.Context, set migrations.Set, db *sql.DB) (Result, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return Result{}, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, set.FS, goose.WithSessionLocker(locker))
	if err != nil {
		return Result{}, fmt.Errorf("loading %s migrations: %w", set.Name, err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("applying %s migrations: %w", set.Name, err)
	}
	res := Result{}
	for _, r := range results {
		res.Applied = append(res.Applied, r.Source.Version)
	}
	res.Version, err = p.GetDBVersion(ctx)
	return res, err
}

// logicRevision changes whenever what Run does besides the SQL files
// changes (roles, grants, the job queue schema), so test templates built by
// an older Run are not reused. Bump it with such a change.
const logicRevision = 2

// Fingerprint identifies everything Run would apply for set beyond its SQL
// files; test templates are keyed by it together with the files' hash.
func Fingerprint(set migrations.Set) string {
	return fmt.Sprintf("logic=%d jobqueue=%v/%d", logicRevision, set.JobQueue, jobs.SchemaVersion)
}

// Latest is the newest migration version embedded in set.
func Latest(set migrations.Set) (int64, error) {
	entries, err := fs.ReadDir(set.FS, ".")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		if !ok || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		v, err := strconv.ParseInt(prefix, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migration %s has no numeric version", e.Name())
		}
		latest = max(latest, v)
	}
	return latest, nil
}

func withDatabase(raw, database string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("DATABASE_ADMIN_URL is not a URL")
	}
	u.Path = "/" + database
	return u.String(), nil
}

func advisoryKey(name string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("monozu-migrate-" + name))
	return int64(h.Sum64() >> 1)
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func isCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}
