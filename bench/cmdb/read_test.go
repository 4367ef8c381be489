package cmdbbench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/cmdb"
)

// readResult is one read workload: through HTTP, and its main SQL
// statement as the app role (RLS on) and as the superuser (RLS off).
type readResult struct {
	http, rlsOn, rlsOff *sample
}

func newReadResult(what string) readResult {
	return readResult{
		http:   &sample{name: what + " HTTP (full stack)"},
		rlsOn:  &sample{name: what + " SQL, app role, RLS on"},
		rlsOff: &sample{name: what + " SQL, superuser, RLS off (baseline)"},
	}
}

func (r readResult) rlsRatio(p float64) float64  { return ratio(r.rlsOn.pct(p), r.rlsOff.pct(p)) }
func (r readResult) httpRatio(p float64) float64 { return ratio(r.http.pct(p), r.rlsOff.pct(p)) }

func (r readResult) print(w io.Writer) {
	table(w, r.http, r.rlsOn, r.rlsOff)
	fmt.Fprintf(w, "  ratios p50 / p95: RLS on ÷ off %.2f / %.2f; HTTP ÷ RLS off %.2f / %.2f\n",
		r.rlsRatio(50), r.rlsRatio(95), r.httpRatio(50), r.httpRatio(95))
}

func (r readResult) summary(w io.Writer, what string) {
	fmt.Fprintf(w, "  %s HTTP p50 %s p95 %s | SQL RLS on p50 %s p95 %s | RLS off p50 %s p95 %s | RLS ratio %.2f / %.2f | HTTP ratio %.2f / %.2f\n",
		what, ms(r.http.pct(50)), ms(r.http.pct(95)), ms(r.rlsOn.pct(50)), ms(r.rlsOn.pct(95)), ms(r.rlsOff.pct(50)),
		ms(r.rlsOff.pct(95)), r.rlsRatio(50), r.rlsRatio(95), r.httpRatio(50), r.httpRatio(95))
}

// searchTerm is one q of the list workload and why it is there.
type searchTerm struct {
	q, kind string
}

// listTerms picks the list workload's searches from the seeded data of the
// site: exact and partial names, addresses, serials and models, from one
// row to thousands, and one that matches nothing.
func (e *env) listTerms(b *testing.B, ctx context.Context, tenant, site uuid.UUID) []searchTerm {
	b.Helper()
	// pick reads expr of the asset at fraction frac of the site's OT assets
	// matching cond, in name order.
	pick := func(expr, cond string, frac float64) string {
		where := ` FROM assets WHERE tenant_id = $1 AND site_id = $2 AND category = 'ot' AND lifecycle <> 'discovered' AND ` + cond
		query := `SELECT ` + expr + where + ` ORDER BY name OFFSET (SELECT floor(count(*) * $3)::int` + where + `) LIMIT 1`
		var v string
		if err := e.admin.QueryRowContext(ctx, query, tenant, site, frac).Scan(&v); err != nil {
			b.Fatalf("picking a search term: %v\n%s", err, query)
		}
		return v
	}
	name := pick(`lower(name)`, `type = 'plc'`, 0.42)
	ip := pick(`host(ip_addresses[1])`, `type = 'plc' AND cardinality(ip_addresses) > 0`, 0.17)
	mac := pick(`upper(replace(mac_addresses[1]::text, ':', '-'))`, `cardinality(mac_addresses) > 0`, 0.61)
	serial := pick(`serial_number`, `true`, 0.33)
	subnet := pick(`regexp_replace(host(ip_addresses[1]), '\.[0-9]+$', '.')`, `type = 'hmi' AND cardinality(ip_addresses) > 0`, 0.05)
	var code string
	if err := e.admin.QueryRowContext(ctx, `SELECT lower(code) FROM sites WHERE tenant_id = $1 AND id = $2`, tenant, site).Scan(&code); err != nil {
		b.Fatal(err)
	}
	return []searchTerm{
		{name, "exact name"},
		{"PLC-" + strings.ToUpper(code) + "-01", "name prefix (~100)"},
		{ip, "exact IP"},
		{"hmi-" + code + "-00", "name prefix (~100)"},
		{mac, "MAC, other notation"},
		{"s7-1500", "model (broad)"},
		{serial, "serial number"},
		{subnet, "partial IP (a /24)"},
		{"sitrans", "model (broad)"},
		{"vfd-" + code + "-02", "name prefix (~100)"},
		{"isw-" + code, "name prefix (broad)"},
		{"rbt-" + code + "-9999", "no match"},
	}
}

// benchList measures GET /api/v1/assets with the site's OT assets, a text
// search and the name sort, interleaving HTTP and both SQL baselines
// request by request (the order rotates) so drift in a noisy machine
// touches all three alike.
func (e *env) benchList(b *testing.B, ctx context.Context, tenant uuid.UUID) readResult {
	b.Helper()
	w := e.out
	var site uuid.UUID
	var siteName string
	if err := e.admin.QueryRowContext(ctx, `SELECT s.id, s.name FROM sites s JOIN assets a ON a.tenant_id = s.tenant_id AND a.site_id = s.id
		WHERE s.tenant_id = $1 GROUP BY s.id, s.name ORDER BY count(*) DESC LIMIT 1`, tenant).Scan(&site, &siteName); err != nil {
		b.Fatal(err)
	}
	terms := e.listTerms(b, ctx, tenant, site)
	rule(w, "Asset list")
	fmt.Fprintf(w, "  GET /api/v1/assets?site_id=<%s>&category=ot&q=<term>&sort=name&limit=50, %d terms in turn:\n", siteName, len(terms))

	type prepared struct {
		path          string
		values        map[string]string
		stmt          string // the main statement without the index lookup's ids
		args          []any
		matches       int
		http, on, off *sample
	}
	var ps []*prepared
	for _, t := range terms {
		values := map[string]string{"site_id": site.String(), "category": "ot", "q": t.q, "sort": "name", "limit": "50"}
		stmt, args, err := cmdb.AssetListSQL(tenant, values, 50, nil)
		if err != nil {
			b.Fatal(err)
		}
		p := &prepared{path: listPath(values), values: values, stmt: stmt, args: args,
			http: &sample{name: t.q}, on: &sample{}, off: &sample{}}
		// Rows the filter matches in all (the page shows up to 50 of them).
		count := "SELECT count(*) FROM (" + strings.Split(stmt, " ORDER BY ")[0] + ") x"
		if err := e.admin.QueryRowContext(ctx, count, args...).Scan(&p.matches); err != nil {
			b.Fatalf("counting matches: %v", err)
		}
		ps = append(ps, p)
	}
	res := newReadResult("list  ")
	runOne := func(p *prepared, which int, record bool) {
		switch which {
		case 0:
			status, body, d, err := e.do("GET", p.path, nil, "")
			if err != nil || status != 200 {
				b.Fatalf("GET %s: %d %v %s", p.path, status, err, body)
			}
			if record {
				res.http.add(d)
				p.http.add(d)
			}
		case 1, 2:
			db, s, ps := e.appSQL, res.rlsOn, p.on
			if which == 2 {
				db, s, ps = e.admin, res.rlsOff, p.off
			}
			d, err := listStatements(ctx, db, tenant, p.values)
			if err != nil {
				b.Fatalf("list SQL: %v", err)
			}
			if record {
				s.add(d)
				ps.add(d)
			}
		}
	}
	// Warm-up: every term a few times in every variant (caches, plans).
	for i := 0; i < 3*len(ps); i++ {
		for which := range 3 {
			runOne(ps[i%len(ps)], which, false)
		}
	}
	for i := 0; i < e.cfg.requests; i++ {
		p := ps[i%len(ps)]
		for k := range 3 {
			runOne(p, (i+k)%3, true)
		}
	}
	fmt.Fprintf(w, "  %-22s %-22s %7s %11s %11s %11s\n", "term", "kind", "matches", "HTTP p50", "RLS on p50", "RLS off p50")
	slowest := ps[0]
	for i, p := range ps {
		fmt.Fprintf(w, "  %-22s %-22s %7d %11s %11s %11s\n", terms[i].q, terms[i].kind, p.matches, ms(p.http.pct(50)),
			ms(p.on.pct(50)), ms(p.off.pct(50)))
		if p.on.pct(50) > slowest.on.pct(50) {
			slowest = p
		}
	}
	res.print(w)
	if e.cfg.explain || res.http.pct(95) >= targetListP95 || res.rlsRatio(95) >= targetRLS {
		e.explain(b, ctx, tenant, slowest.http.name, slowest.stmt, slowest.args)
	}
	return res
}

// explain prints the plans of a list statement with and without RLS: the
// custom plan, and the generic plan a cached prepared statement ends up
// with after five runs.
func (e *env) explain(b *testing.B, ctx context.Context, tenant uuid.UUID, term, stmt string, args []any) {
	b.Helper()
	for _, v := range []struct {
		label, mode string
		role        string
	}{
		{"app role, RLS on, custom plan", "auto", "app"},
		{"app role, RLS on, generic plan", "force_generic_plan", "app"},
		{"superuser, RLS off, custom plan", "auto", "admin"},
	} {
		db := e.appSQL
		if v.role == "admin" {
			db = e.admin
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range []string{"SELECT set_config('app.tenant_id', '" + tenant.String() + "', true)",
			"SET LOCAL plan_cache_mode = " + v.mode} {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				b.Fatal(err)
			}
		}
		rows, err := tx.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+stmt, args...)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(e.out, "\n  EXPLAIN (ANALYZE, BUFFERS) q=%q, %s:\n", term, v.label)
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				b.Fatal(err)
			}
			fmt.Fprintf(e.out, "    %s\n", line)
		}
		_ = rows.Close()
		_ = tx.Rollback()
	}
}

// benchDetail measures GET /api/v1/assets/:id of random assets of the
// tenant, beside the asset's main statement with and without RLS.
func (e *env) benchDetail(b *testing.B, ctx context.Context, tenant uuid.UUID) readResult {
	b.Helper()
	w := e.out
	rule(w, "Asset detail")
	rows, err := e.admin.QueryContext(ctx, `SELECT id FROM assets WHERE tenant_id = $1 ORDER BY md5(id::text) LIMIT $2`,
		tenant, e.cfg.requests+50)
	if err != nil {
		b.Fatal(err)
	}
	var ids []uuid.UUID
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	_ = rows.Close()
	fmt.Fprintf(w, "  GET /api/v1/assets/<id> of %d random assets (VLANs, relationships, CPE suggestions, panels)\n", len(ids))
	res := newReadResult("detail")
	runOne := func(id uuid.UUID, which int, s *sample) {
		switch which {
		case 0:
			status, body, d, err := e.do("GET", "/api/v1/assets/"+id.String(), nil, "")
			if err != nil || status != 200 {
				b.Fatalf("GET asset %s: %d %v %s", id, status, err, body)
			}
			if s != nil {
				var a struct {
					ID uuid.UUID `json:"id"`
				}
				if err := json.Unmarshal(body, &a); err != nil || a.ID != id {
					b.Fatalf("GET asset %s answered %s", id, body)
				}
				s.add(d)
			}
		default:
			db := e.appSQL
			if which == 2 {
				db = e.admin
			}
			d, n, err := query(ctx, db, tenant, cmdb.AssetByIDSQL, tenant, id)
			if err != nil || n != 1 {
				b.Fatalf("asset SQL: %d rows, %v", n, err)
			}
			if s != nil {
				s.add(d)
			}
		}
	}
	warm := min(50, len(ids))
	for _, id := range ids[:warm] {
		for which := range 3 {
			runOne(id, which, nil)
		}
	}
	for i, id := range ids[warm:] {
		for k := range 3 {
			which := (i + k) % 3
			runOne(id, which, []*sample{res.http, res.rlsOn, res.rlsOff}[which])
		}
	}
	res.print(w)
	return res
}

// listStatements runs what GET /api/v1/assets runs for values, in one
// transaction with the tenant context set (the superuser ignores it for
// row-level security): the index lookup of the search text, then the main
// statement built with its ids. It times both, rows read to the end.
func listStatements(ctx context.Context, db *sql.DB, tenant uuid.UUID, values map[string]string) (time.Duration, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, "SELECT set_config('app.tenant_id', $1, true)", tenant.String()); err != nil {
		return 0, err
	}
	start := time.Now()
	var hits []uuid.UUID
	if stmt, args, ok := cmdb.AssetSearchSQL(values); ok {
		rows, err := tx.QueryContext(ctx, stmt, args...)
		if err != nil {
			return 0, err
		}
		hits = []uuid.UUID{}
		for rows.Next() {
			var id uuid.UUID
			if err := rows.Scan(&id); err != nil {
				return 0, err
			}
			hits = append(hits, id)
		}
		if err := rows.Err(); err != nil {
			return 0, err
		}
		_ = rows.Close()
	}
	stmt, args, err := cmdb.AssetListSQL(tenant, values, 50, hits)
	if err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, stmt, args...)
	if err != nil {
		return 0, err
	}
	for rows.Next() { // read every row, as the handler does
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	_ = rows.Close() // every row is read, as the handler does
	return time.Since(start), tx.Commit()
}
