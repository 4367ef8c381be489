package migrations_test

// The guard tests of DESIGN.md §2.8. Each rule is a function that lists
// violations; the tests run it against the migrated schema (expecting none)
// and against deliberately broken objects (expecting each one named), so a
// guard that can no longer fail is itself caught.

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/migrations"
)

// globalTables have no tenant_id on purpose. Adding one here needs a reason.
var globalTables = map[string]string{
	"goose_db_version": "migration bookkeeping (goose)",
	"platform_audit":   "audit trail of the platform role, cross-tenant by nature",
	"agent_releases":   "the catalogue of edge agent builds, the same for every tenant (spec 40)",
}

// writableGlobalTables are global tables the app role may write, with the
// reason; every other global table is read-only to it.
var writableGlobalTables = map[string]string{
	"agent_releases": "releases are published through the API with SNAP_PUBLISH_TOKEN (insert only)",
}

// jobQueuePrefix names the job queue's tables (River, internal/platform/jobs):
// global by nature, and written by the app role as it enqueues and works jobs.
// Job arguments carry tenant ids; workers open tenant transactions.
const jobQueuePrefix = "river_"

// globalUniqueIndexes may leave tenant_id out, with the reason.
var globalUniqueIndexes = map[string]string{
	"users_email_global":      "e-mail addresses are unique across tenants (spec); login finds the tenant by them",
	"edge_devices_key_global": "device keys are random and unique; the device-key lookup finds the tenant by them",
}

// registryTables are keyed by the tenant id itself (their row is the tenant).
var registryTables = map[string]string{
	"tenants": "the tenant registry: policy on id",
}

// appendOnly tables never get UPDATE or DELETE for the app or platform role.
var appendOnly = []string{"platform_audit"}

// securityDefiners are the only functions allowed to bypass RLS, each with
// its reason. Each must pin its search_path.
var securityDefiners = []string{
	// Pre-tenant lookups (DESIGN.md §2.5): login by e-mail, a token to its tenant.
	"auth_login_lookup", "auth_token_tenant",
	// Index lookups RLS would turn into scans (non-LEAKPROOF operators);
	// confined to the transaction's app.tenant_id, returning ids only
	// (migrations/cloud/00007).
	"cmdb_asset_search", "cmdb_assets_by_address",
	// Pre-tenant lookups of the edge fleet (migrations/cloud/00008): a
	// registration key with its account name, a device key.
	"edge_registration_lookup", "edge_device_by_key",
	// Partition maintenance of ingest_events: DDL needs the table's owner,
	// executable by the platform role only (migrations/cloud/00008).
	"ingest_events_maintain",
}

// definerOwners are the allowlisted SECURITY DEFINER functions not owned by
// the definer role, with the role that owns them.
var definerOwners = map[string]string{
	"ingest_events_maintain": migrations.Cloud().OwnerRole,
}

const tenantSetting = "current_setting('app.tenant_id'"

func adminDB(t *testing.T, d *dbtest.DB) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func mustExec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func query[T any](t *testing.T, db *sql.DB, scan func(*sql.Rows) (T, error), q string, args ...any) []T {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer func() { _ = rows.Close() }()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

type tableInfo struct {
	name                string
	hasTenantID         bool
	rls, forced         bool
	policies            int
	policyExprs         string
	pkFirst             string
	nonPermissiveOrPart bool
}

// checkCatalogue is rule (a): tenant tables are isolated by forced RLS, keyed
// and referenced through tenant_id; everything else is on an allowlist.
func checkCatalogue(t *testing.T, db *sql.DB) []string {
	tables := query(t, db, func(r *sql.Rows) (tableInfo, error) {
		var ti tableInfo
		var pkFirst sql.NullString
		err := r.Scan(&ti.name, &ti.hasTenantID, &ti.rls, &ti.forced, &ti.policies, &ti.policyExprs, &pkFirst, &ti.nonPermissiveOrPart)
		ti.pkFirst = pkFirst.String
		return ti, err
	}, `
SELECT c.relname,
       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped),
       c.relrowsecurity, c.relforcerowsecurity,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid),
       coalesce((SELECT string_agg(coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' ' ||
                                   coalesce(pg_get_expr(p.polwithcheck, p.polrelid), ''), ' ')
                 FROM pg_policy p WHERE p.polrelid = c.oid), ''),
       (SELECT a.attname FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
         WHERE k.conrelid = c.oid AND k.contype = 'p'),
       EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND (NOT p.polpermissive OR p.polcmd <> '*'))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
ORDER BY c.relname`)

	var v []string
	for _, ti := range tables {
		switch {
		case ti.hasTenantID:
			if !ti.rls || !ti.forced {
				v = append(v, ti.name+": row-level security must be enabled and forced")
			}
			if ti.policies != 1 || ti.nonPermissiveOrPart || !strings.Contains(ti.policyExprs, tenantSetting) {
				v = append(v, ti.name+": needs exactly one permissive FOR ALL policy on app.tenant_id")
			}
			if ti.pkFirst != "tenant_id" {
				v = append(v, ti.name+": primary key must start with tenant_id")
			}
		case registryTables[ti.name] != "":
			if !ti.rls || !ti.forced || ti.policies != 1 || !strings.Contains(ti.policyExprs, tenantSetting) {
				v = append(v, ti.name+": registry table needs forced RLS and one policy on app.tenant_id")
			}
		case globalTables[ti.name] == "" && !strings.HasPrefix(ti.name, jobQueuePrefix):
			v = append(v, ti.name+": has no tenant_id and is not on the global-table allowlist")
		}
	}

	// Foreign keys out of tenant tables must carry tenant_id on both sides
	// (or be the tenant key itself pointing at the registry).
	type fk struct{ name, table, target, pairs string }
	fks := query(t, db, func(r *sql.Rows) (fk, error) {
		var f fk
		return f, r.Scan(&f.name, &f.table, &f.target, &f.pairs)
	}, `
SELECT k.conname, c.relname, tc.relname,
       (SELECT string_agg(a.attname || '=' || ta.attname, ',')
          FROM unnest(k.conkey, k.confkey) AS u(src, dst)
          JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.src
          JOIN pg_attribute ta ON ta.attrelid = k.confrelid AND ta.attnum = u.dst)
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class tc ON tc.oid = k.confrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype = 'f' AND n.nspname = 'public'
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')`)
	for _, f := range fks {
		pairs := strings.Split(f.pairs, ",")
		ok := slices.Contains(pairs, "tenant_id=tenant_id") || (registryTables[f.target] != "" && f.pairs == "tenant_id=id")
		if !ok {
			v = append(v, fmt.Sprintf("%s: foreign key %s to %s must include tenant_id on both sides", f.table, f.name, f.target))
		}
	}

	// Unique constraints of tenant tables lead with tenant_id.
	uniques := query(t, db, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, `
SELECT c.relname || ': unique index ' || i.relname || ' must start with tenant_id'
FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND x.indisunique
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
  AND (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = x.indkey[0]) IS DISTINCT FROM 'tenant_id'
  AND NOT i.relname = ANY ($1)`, slices.Collect(maps.Keys(globalUniqueIndexes)))
	v = append(v, uniques...)

	// Views run with the caller's rights so RLS applies through them.
	views := query(t, db, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, `
SELECT c.relname || ': view must set security_invoker = true'
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'v'
  AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)`)
	return append(v, views...)
}

func TestCatalogueRules(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	db := adminDB(t, d)
	if v := checkCatalogue(t, db); len(v) > 0 {
		t.Fatalf("the migrated schema breaks the tenancy rules:\n%s", strings.Join(v, "\n"))
	}

	// Each broken object below must be reported.
	mustExec(t, db,
		`CREATE TABLE bad_no_rls (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id))`,
		`CREATE TABLE bad_pk (tenant_id uuid NOT NULL, id uuid PRIMARY KEY)`,
		`ALTER TABLE bad_pk ENABLE ROW LEVEL SECURITY`, `ALTER TABLE bad_pk FORCE ROW LEVEL SECURITY`,
		`CREATE POLICY p ON bad_pk USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`,
		`CREATE TABLE bad_global (id int PRIMARY KEY)`,
		`CREATE TABLE bad_fk (tenant_id uuid NOT NULL, id uuid NOT NULL, other uuid REFERENCES bad_pk (id), PRIMARY KEY (tenant_id, id))`,
		`ALTER TABLE bad_fk ENABLE ROW LEVEL SECURITY`, `ALTER TABLE bad_fk FORCE ROW LEVEL SECURITY`,
		`CREATE POLICY p ON bad_fk USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`,
		`CREATE UNIQUE INDEX bad_unique ON bad_fk (other)`,
		`CREATE VIEW bad_view AS SELECT * FROM bad_fk`,
	)
	got := strings.Join(checkCatalogue(t, db), "\n")
	for _, want := range []string{
		"bad_no_rls: row-level security must be enabled and forced",
		"bad_no_rls: needs exactly one permissive FOR ALL policy",
		"bad_pk: primary key must start with tenant_id",
		"bad_global: has no tenant_id and is not on the global-table allowlist",
		"bad_fk: foreign key bad_fk_other_fkey to bad_pk must include tenant_id",
		"bad_fk: unique index bad_unique must start with tenant_id",
		"bad_view: view must set security_invoker = true",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the catalogue guard missed %q; it reported:\n%s", want, got)
		}
	}
}

// checkRoles is rule (c): the login roles' attributes, ownership and grants.
func checkRoles(t *testing.T, db *sql.DB, set migrations.Set) []string {
	var v []string
	type role struct {
		name                                     string
		super, bypass, createRole, createDB, rep bool
	}
	roles := query(t, db, func(r *sql.Rows) (role, error) {
		var x role
		return x, r.Scan(&x.name, &x.super, &x.bypass, &x.createRole, &x.createDB, &x.rep)
	}, `SELECT rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication
	    FROM pg_roles WHERE rolname = ANY ($1)`, []string{dbtest.AppUser, dbtest.PlatformUser})
	if len(roles) != 2 {
		t.Fatalf("expected both login roles, found %v", roles)
	}
	for _, r := range roles {
		if r.super || r.createRole || r.createDB || r.rep {
			v = append(v, r.name+": must not be superuser, create roles or databases, or replicate")
		}
		if r.name == dbtest.AppUser && r.bypass {
			v = append(v, r.name+": the app role must not bypass row-level security")
		}
	}
	owned := query(t, db, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, `
SELECT r.rolname || ' owns ' || c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = ANY ($1)
UNION ALL SELECT r.rolname || ' owns function ' || p.proname FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE r.rolname = ANY ($1)
UNION ALL SELECT r.rolname || ' owns schema ' || s.nspname FROM pg_namespace s JOIN pg_roles r ON r.oid = s.nspowner WHERE r.rolname = ANY ($1)
UNION ALL SELECT r.rolname || ' owns database ' || d.datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = ANY ($1)`,
		[]string{dbtest.AppUser, dbtest.PlatformUser, set.AppRole, set.PlatformRole})
	v = append(v, owned...)

	memberships := query(t, db, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, `SELECT m.rolname || ' is a member of ' || g.rolname
	    FROM pg_auth_members am JOIN pg_roles m ON m.oid = am.member JOIN pg_roles g ON g.oid = am.roleid
	    WHERE (m.rolname = $1 AND g.rolname <> $2) OR (m.rolname = $3 AND g.rolname <> $4)`,
		dbtest.AppUser, set.AppRole, dbtest.PlatformUser, set.PlatformRole)
	v = append(v, memberships...)

	privileges := query(t, db, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, `
SELECT r || ' may ' || p || ' ' || c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
     unnest($1::text[]) AS r, unnest(ARRAY['TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') AND has_table_privilege(r, c.oid, p)
UNION ALL
SELECT r || ' may ' || p || ' append-only ' || c.relname
FROM pg_class c, unnest($1::text[]) AS r, unnest(ARRAY['UPDATE', 'DELETE']) AS p
WHERE c.relname = ANY ($2) AND c.relkind = 'r' AND has_table_privilege(r, c.oid, p)
UNION ALL
SELECT r || ' may CREATE in schema public' FROM unnest($1::text[]) AS r WHERE has_schema_privilege(r, 'public', 'CREATE')
UNION ALL
SELECT r || ' may CREATE in the database' FROM unnest($1::text[]) AS r WHERE has_database_privilege(r, current_database(), 'CREATE')
UNION ALL
SELECT $3 || ' may write global table ' || c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE 'river\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
  AND NOT c.relrowsecurity AND NOT c.relname = ANY ($4)
  AND (has_table_privilege($3, c.oid, 'INSERT') OR has_table_privilege($3, c.oid, 'UPDATE') OR has_table_privilege($3, c.oid, 'DELETE'))
UNION ALL
SELECT $3 || ' may read ' || c.relname FROM pg_class c WHERE c.relname = 'platform_audit' AND has_table_privilege($3, c.oid, 'SELECT')`,
		[]string{dbtest.AppUser, dbtest.PlatformUser}, appendOnly, dbtest.AppUser, slices.Collect(maps.Keys(writableGlobalTables)))
	return append(v, privileges...)
}

func TestRoleRules(t *testing.T) {
	set := migrations.Cloud()
	d := dbtest.New(t, set)
	db := adminDB(t, d)
	if v := checkRoles(t, db, set); len(v) > 0 {
		t.Fatalf("role rules broken:\n%s", strings.Join(v, "\n"))
	}

	mustExec(t, db,
		`CREATE TABLE role_probe (id int PRIMARY KEY)`,
		`GRANT INSERT, TRUNCATE ON role_probe TO `+set.AppRole,
		`GRANT UPDATE ON platform_audit TO `+set.PlatformRole,
		`GRANT CREATE ON SCHEMA public TO `+set.AppRole,
	)
	got := strings.Join(checkRoles(t, db, set), "\n")
	for _, want := range []string{
		dbtest.AppUser + " may TRUNCATE role_probe",
		dbtest.AppUser + " may write global table role_probe",
		dbtest.PlatformUser + " may UPDATE append-only platform_audit",
		dbtest.AppUser + " may CREATE in schema public",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the role guard missed %q; it reported:\n%s", want, got)
		}
	}
	// Attributes: a role that could bypass RLS is reported.
	mustExec(t, db, `ALTER ROLE `+dbtest.AppUser+` BYPASSRLS`)
	t.Cleanup(func() { _, _ = db.Exec(`ALTER ROLE ` + dbtest.AppUser + ` NOBYPASSRLS`) })
	if got := strings.Join(checkRoles(t, db, set), "\n"); !strings.Contains(got, "must not bypass row-level security") {
		t.Errorf("the role guard missed BYPASSRLS; it reported:\n%s", got)
	}
}

// checkSecurityDefiners is rule (e): exactly the allowlisted SECURITY
// DEFINER functions exist, each with a fixed search_path.
func checkSecurityDefiners(t *testing.T, db *sql.DB) []string {
	definerRole := migrations.Cloud().DefinerRole
	type fn struct {
		name, config, owner string
		public              bool
	}
	fns := query(t, db, func(r *sql.Rows) (fn, error) {
		var f fn
		return f, r.Scan(&f.name, &f.config, &f.owner, &f.public)
	}, `
SELECT p.proname, coalesce(array_to_string(p.proconfig, ','), ''), pg_get_userbyid(p.proowner),
       has_function_privilege('public', p.oid, 'EXECUTE')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')`)
	var v []string
	var found []string
	for _, f := range fns {
		found = append(found, f.name)
		if !slices.Contains(securityDefiners, f.name) {
			v = append(v, f.name+": SECURITY DEFINER function not on the allowlist")
		} else if !strings.Contains(f.config, "search_path=") {
			v = append(v, f.name+": SECURITY DEFINER function must SET search_path")
		}
		wantOwner := definerRole
		if o, ok := definerOwners[f.name]; ok {
			wantOwner = o
		}
		if f.owner != wantOwner {
			v = append(v, f.name+": SECURITY DEFINER function must be owned by "+wantOwner)
		}
		if f.public {
			v = append(v, f.name+": SECURITY DEFINER function must not be executable by PUBLIC")
		}
	}
	for _, want := range securityDefiners {
		if !slices.Contains(found, want) {
			v = append(v, want+": allowlisted SECURITY DEFINER function is missing")
		}
	}
	return v
}

func TestSecurityDefinerAllowlist(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	db := adminDB(t, d)
	if v := checkSecurityDefiners(t, db); len(v) > 0 {
		t.Fatalf("SECURITY DEFINER rules broken:\n%s", strings.Join(v, "\n"))
	}
	mustExec(t, db, `CREATE FUNCTION sneaky_lookup() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'`)
	got := strings.Join(checkSecurityDefiners(t, db), "\n")
	for _, want := range []string{
		"sneaky_lookup: SECURITY DEFINER function not on the allowlist",
		"sneaky_lookup: SECURITY DEFINER function must be owned by " + migrations.Cloud().DefinerRole,
		"sneaky_lookup: SECURITY DEFINER function must not be executable by PUBLIC",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the SECURITY DEFINER guard missed %q; it reported:\n%s", want, got)
		}
	}
	mustExec(t, db, `ALTER FUNCTION auth_login_lookup(text) RESET search_path`)
	if got := strings.Join(checkSecurityDefiners(t, db), "\n"); !strings.Contains(got, "auth_login_lookup: SECURITY DEFINER function must SET search_path") {
		t.Errorf("the SECURITY DEFINER guard missed a missing search_path; it reported:\n%s", got)
	}
}
