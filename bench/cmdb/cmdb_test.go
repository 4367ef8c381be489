package cmdbbench

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // the superuser and baseline connections
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/mail"
	"github.com/monozu/monozu/migrations"
)

// Targets of the CMDB issue.
const (
	targetListP95 = 50 * time.Millisecond
	targetRLS     = 1.3
)

// config is the benchmark's size; every value has an environment variable
// so a quick run can be smaller (docs/benchmarks.md).
type config struct {
	tenants, assets, requests, importRows int
	explain                               bool
}

func loadConfig(b *testing.B) config {
	num := func(name string, def int) int {
		raw := os.Getenv(name)
		if raw == "" {
			return def
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			b.Fatalf("%s=%q: want a positive number", name, raw)
		}
		return n
	}
	return config{
		tenants:    num("MONOZU_BENCH_TENANTS", 20),
		assets:     num("MONOZU_BENCH_ASSETS", 100_000),
		requests:   num("MONOZU_BENCH_REQUESTS", 300),
		importRows: num("MONOZU_BENCH_IMPORT_ROWS", 50_000),
		explain:    os.Getenv("MONOZU_BENCH_EXPLAIN") != "",
	}
}

// env is the running system under benchmark.
type env struct {
	db      *dbtest.DB
	admin   *sql.DB // superuser: seeding and the RLS-off baseline
	appSQL  *sql.DB // the app login role: the RLS-on baseline
	api     *cloud.API
	base    string
	client  *http.Client
	token   string
	out     io.Writer
	cfg     config
	version string
}

// BenchmarkCMDB seeds tenants × assets, then measures the asset list and
// detail through the real HTTP stack against their SQL with and without
// row-level security, and the CSV import. It runs once whatever b.N is:
// the sample counts are its own (MONOZU_BENCH_REQUESTS).
func BenchmarkCMDB(b *testing.B) {
	if u := os.Getenv("MONOZU_BENCH_DATABASE_URL"); u != "" {
		b.Setenv("MONOZU_TEST_DATABASE_URL", u)
	}
	cfg := loadConfig(b)
	e := start(b, cfg)
	ctx := context.Background()
	w := e.out

	fmt.Fprintf(w, "\nCMDB benchmark: %d tenants × %d assets, %d requests per series, import of %d rows\n",
		cfg.tenants, cfg.assets, cfg.requests, cfg.importRows)
	fmt.Fprintf(w, "machine: %d CPUs (GOMAXPROCS %d), %s; %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), e.version)

	tenants := e.registerTenants(b, cfg.tenants+1) // the last one receives the import
	seeded := e.seed(b, tenants)
	e.token = e.login(b, "admin@"+accountName(0)+".example.com")

	list := e.benchList(b, ctx, tenants[0])
	detail := e.benchDetail(b, ctx, tenants[0])
	imp := e.benchImport(b, ctx, tenants[len(tenants)-1])

	rule(w, "Summary")
	fmt.Fprintf(w, "  seed            %d assets in %s (%.0f assets/s, index builds included), VACUUM ANALYZE %s\n", seeded.assets,
		seeded.assetsTime.Round(time.Second), float64(seeded.assets)/seeded.assetsTime.Seconds(), seeded.vacuum.Round(time.Second))
	list.summary(w, "list  ")
	detail.summary(w, "detail")
	imp.summary(w)
	fmt.Fprintf(w, "  target: list HTTP p95 < %.0f ms                %s (p95 %s)\n", float64(targetListP95)/1e6,
		verdict(list.http.pct(95) < targetListP95), ms(list.http.pct(95)))
	rlsOK := list.rlsRatio(50) < targetRLS && list.rlsRatio(95) < targetRLS
	fmt.Fprintf(w, "  target: list SQL RLS on ÷ RLS off < %.1f       %s (p50 %.2f, p95 %.2f)\n", targetRLS, verdict(rlsOK),
		list.rlsRatio(50), list.rlsRatio(95))
	fmt.Fprintln(w)

	if hold := os.Getenv("MONOZU_BENCH_HOLD"); hold != "" {
		d, err := time.ParseDuration(hold)
		if err != nil {
			b.Fatalf("MONOZU_BENCH_HOLD=%q: want a duration such as 30m", hold)
		}
		fmt.Fprintf(w, "holding for %s (MONOZU_BENCH_HOLD): API %s, database %s (superuser: MONOZU_TEST_DATABASE_URL or the "+
			"test cluster's, %s; app role %s)\n  Authorization: Bearer %s\n", d, e.base, e.db.Name, dbtest.ClusterDir(), dbtest.AppUser, e.token)
		time.Sleep(d)
	}

	b.ReportMetric(0, "ns/op") // one run, not a per-op figure
	b.ReportMetric(float64(list.http.pct(95))/1e6, "list-p95-ms")
	b.ReportMetric(list.rlsRatio(50), "list-rls-ratio-p50")
	b.ReportMetric(float64(detail.http.pct(95))/1e6, "detail-p95-ms")
	if imp.rowsPerSec > 0 {
		b.ReportMetric(imp.rowsPerSec, "import-rows/s")
	}
}

func accountName(i int) string { return fmt.Sprintf("bench-%02d", i+1) }

// start creates the database (a clone of the migrated template, as tests
// get) and runs the Cloud API on a loopback port, as `monozu api` would:
// a production-sized pool, request logging on (to a discarded writer).
func start(b *testing.B, cfg config) *env {
	b.Helper()
	ctx := context.Background()
	d := dbtest.New(b, migrations.Cloud())
	e := &env{db: d, out: os.Stdout, cfg: cfg}
	var err error
	if e.admin, err = sql.Open("pgx", d.AdminURL); err != nil {
		b.Fatal(err)
	}
	e.admin.SetMaxOpenConns(2)
	if e.appSQL, err = sql.Open("pgx", d.AppURL); err != nil {
		b.Fatal(err)
	}
	e.appSQL.SetMaxOpenConns(1)
	b.Cleanup(func() { _ = e.admin.Close(); _ = e.appSQL.Close() })
	if err := e.admin.QueryRowContext(ctx, "SELECT 'PostgreSQL ' || current_setting('server_version')").Scan(&e.version); err != nil {
		b.Fatal(err)
	}

	// The pool and HTTP settings are the production defaults (DB_*, HTTP_*),
	// except the body limit.
	app, err := database.Open(ctx, database.Options{URL: d.AppURL, AppName: "monozu-bench", MaxOpenConns: 20,
		MaxIdleConns: 10, ConnMaxLifetime: 30 * time.Minute, QueryTimeout: 10 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = app.Close() })
	deps := cloudtest.Deps(d, mail.NewOutbox(zerolog.Nop(), 100))
	deps.DB = app
	// Request logging costs what it costs in production (a JSON line per
	// request), but only errors reach stderr (MONOZU_BENCH_LOG=1: warnings too).
	shown := zerolog.ErrorLevel
	if os.Getenv("MONOZU_BENCH_LOG") != "" {
		shown = zerolog.WarnLevel
	}
	deps.Log = zerolog.New(zerolog.MultiLevelWriter(zerolog.LevelWriterAdapter{Writer: io.Discard},
		&zerolog.FilteredLevelWriter{Writer: zerolog.LevelWriterAdapter{Writer: os.Stderr}, Level: shown})).
		Level(zerolog.InfoLevel).With().Timestamp().Logger()
	deps.HTTP.BodyLimit, deps.HTTP.UploadLimit = 1<<20, 25<<20 // the defaults of HTTP_BODY_LIMIT and HTTP_UPLOAD_LIMIT
	deps.HTTP.ReadTimeout, deps.HTTP.WriteTimeout, deps.HTTP.IdleTimeout = 15*time.Second, time.Minute, 2*time.Minute
	if e.api, err = cloud.NewAPI(deps); err != nil {
		b.Fatal(err)
	}
	addr := apitest.FreeAddr(b)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- e.api.Run(runCtx, addr) }()
	b.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			b.Errorf("API: %v", err)
		}
	})
	e.base = "http://" + addr
	e.client = &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute}}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if status, _, _, err := e.do("GET", "/healthz", nil, ""); err == nil && status == 200 {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("the API did not answer /healthz within 30 s")
		}
	}
	return e
}

// do sends a request and reads the whole answer; d is the round trip.
func (e *env) do(method, path string, body []byte, contentType string) (status int, resp []byte, d time.Duration, err error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.base+path, r)
	if err != nil {
		return 0, nil, 0, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	start := time.Now()
	res, err := e.client.Do(req)
	if err != nil {
		return 0, nil, 0, err
	}
	resp, err = io.ReadAll(res.Body)
	_ = res.Body.Close()
	return res.StatusCode, resp, time.Since(start), err
}

func (e *env) mustJSON(b *testing.B, method, path string, in, out any, want int) {
	b.Helper()
	var body []byte
	if in != nil {
		body, _ = json.Marshal(in)
	}
	status, resp, _, err := e.do(method, path, body, "application/json")
	if err != nil {
		b.Fatalf("%s %s: %v", method, path, err)
	}
	if status != want {
		b.Fatalf("%s %s: %d %s", method, path, status, resp)
	}
	if out != nil {
		if err := json.Unmarshal(resp, out); err != nil {
			b.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// registerTenants signs up n organisations through the API and licenses
// them, as cloudtest.ActiveTenant does.
func (e *env) registerTenants(b *testing.B, n int) []uuid.UUID {
	b.Helper()
	ids := make([]uuid.UUID, n)
	for i := range ids {
		account := accountName(i)
		var out struct {
			TenantID uuid.UUID `json:"tenant_id"`
		}
		e.mustJSON(b, "POST", "/api/v1/auth/register", map[string]string{
			"account_name": account, "organization_name": "Bench " + account, "email": "admin@" + account + ".example.com",
			"password": cloudtest.Password, "display_name": "Admin of " + account,
		}, &out, 201)
		ids[i] = out.TenantID
		ctx := auth.WithPrincipal(context.Background(), auth.System(out.TenantID))
		l := licensing.License{Plan: "bench", StartsAt: time.Now().Add(-time.Hour)}
		if err := e.api.Services.Licensing.Apply(ctx, l, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	return ids
}

func (e *env) login(b *testing.B, email string) string {
	b.Helper()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	e.mustJSON(b, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": cloudtest.Password}, &out, 200)
	return out.AccessToken
}

// seed fills every tenant but the last with the hierarchy and assets; the
// last (the import's) gets the hierarchy only.
func (e *env) seed(b *testing.B, tenants []uuid.UUID) seedStats {
	b.Helper()
	ctx := context.Background()
	w := e.out
	rule(w, "Seed")
	conn, err := e.admin.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	for _, s := range []string{`SET maintenance_work_mem = '1GB'`, `SET work_mem = '256MB'`, `SELECT setseed(0.4242)`} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	var st seedStats
	start := time.Now()
	if err := seedHierarchy(ctx, conn, tenants); err != nil {
		b.Fatal(err)
	}
	st.hierarchy = time.Since(start)
	fmt.Fprintf(w, "  hierarchy of %d tenants (%d sites, %d zones, %d VLANs, %d vendors each) in %s\n", len(tenants),
		len(siteDefs), len(siteDefs)*len(zoneDefs), len(siteDefs)*len(vlanDefs), len(vendorDefs), st.hierarchy.Round(time.Millisecond))
	start = time.Now()
	seeded := tenants[:len(tenants)-1]
	st.perTenant, st.indexes, err = seedAssets(ctx, conn, seeded, e.cfg.assets, func(i int, d time.Duration) {
		if i == 0 || (i+1)%5 == 0 || i == len(seeded)-1 {
			fmt.Fprintf(w, "  assets of tenant %2d/%d in %s (total %s)\n", i+1, len(seeded), d.Round(time.Millisecond),
				time.Since(start).Round(time.Second))
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	st.assetsTime = time.Since(start)
	st.assets = e.cfg.assets * len(seeded)
	start = time.Now()
	for _, t := range []string{"sites", "zones", "vlans", "vendors", "assets", "asset_vlans", "tenants", "users", "groups", "group_members"} {
		if _, err := conn.ExecContext(ctx, "VACUUM (ANALYZE) "+t); err != nil {
			b.Fatal(err)
		}
	}
	st.vacuum = time.Since(start)
	var links int
	var heap, idx int64
	if err := conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM asset_vlans), pg_table_size('assets'), pg_indexes_size('assets')`).
		Scan(&links, &heap, &idx); err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(w, "  %d assets, %d VLAN links in %s (%.0f assets/s), of which rebuilding the indexes %s; VACUUM ANALYZE in %s\n",
		st.assets, links, st.assetsTime.Round(time.Second), float64(st.assets)/st.assetsTime.Seconds(), st.indexes.Round(time.Second),
		st.vacuum.Round(time.Second))
	fmt.Fprintf(w, "  assets table %d MiB, its indexes %d MiB\n", heap>>20, idx>>20)
	e.checkSearchText(b, conn, tenants[0])
	return st
}

// checkSearchText proves the seed's search_text is what the service would
// write, by comparing a sample with assetSearchText's rule recomputed
// from the stored columns.
func (e *env) checkSearchText(b *testing.B, conn *sql.Conn, tenant uuid.UUID) {
	b.Helper()
	rows, err := conn.QueryContext(context.Background(), `SELECT name, hostname, serial_number, model,
		array_to_json(ARRAY(SELECT host(x) FROM unnest(ip_addresses) x))::text,
		array_to_json(mac_addresses::text[])::text, search_text FROM assets WHERE tenant_id = $1 LIMIT 2000`, tenant)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	n, bad := 0, 0
	for rows.Next() {
		var name, host, serial, model, ipsJSON, macsJSON, got string
		if err := rows.Scan(&name, &host, &serial, &model, &ipsJSON, &macsJSON, &got); err != nil {
			b.Fatal(err)
		}
		var ips, macs []string
		_ = json.Unmarshal([]byte(ipsJSON), &ips)
		_ = json.Unmarshal([]byte(macsJSON), &macs)
		parts := append(append([]string{name, host, serial, model}, ips...), macs...)
		if want := strings.ToLower(strings.Join(parts, " ")); want != got {
			if bad == 0 {
				fmt.Fprintf(e.out, "  search_text differs: %q, service rule gives %q\n", got, want)
			}
			bad++
		}
		n++
	}
	if bad > 0 {
		b.Fatalf("search_text of %d of %d sampled assets differs from the service's rule", bad, n)
	}
	fmt.Fprintf(e.out, "  search_text checked against the service's rule on %d assets\n", n)
}

// query runs stmt in a transaction that first sets the tenant context (as
// InTenant does; the superuser ignores it) and times the statement itself,
// rows read to the end.
func query(ctx context.Context, db *sql.DB, tenant uuid.UUID, stmt string, args ...any) (time.Duration, int, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, "SELECT set_config('app.tenant_id', $1, true)", tenant.String()); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	rows, err := tx.QueryContext(ctx, stmt, args...)
	if err != nil {
		return 0, 0, err
	}
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	_ = rows.Close()
	d := time.Since(start)
	return d, n, tx.Commit()
}

func listPath(values map[string]string) string {
	q := url.Values{}
	for k, v := range values {
		q.Set(k, v)
	}
	return "/api/v1/assets?" + q.Encode()
}
