package cmdbbench

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// importResult is the import workload's outcome.
type importResult struct {
	skipped            string // why there are no figures
	rows               int
	fileBytes          int
	dryRun             time.Duration
	endToEnd           time.Duration
	rowsPerSec         float64
	baseline           time.Duration
	baselineRowsPerSec float64
}

func (r importResult) summary(w io.Writer) {
	if r.skipped != "" {
		fmt.Fprintf(w, "  import          %s\n", r.skipped)
		return
	}
	fmt.Fprintf(w, "  import          %d rows (%d KiB): dry run %s (%.0f rows/s); import %s end to end, %.0f rows/s; "+
		"set-based INSERT baseline %.0f rows/s; import ÷ baseline time %.1f×\n",
		r.rows, r.fileBytes>>10, r.dryRun.Round(time.Millisecond), float64(r.rows)/r.dryRun.Seconds(),
		r.endToEnd.Round(time.Millisecond), r.rowsPerSec, r.baselineRowsPerSec, ratio(r.endToEnd, r.baseline))
}

// importRow is one generated asset, as the CSV and the baseline insert
// carry it.
type genAsset struct {
	site, vendor                                 string // names
	siteID, vendorID                             uuid.UUID
	vlanRef                                      string
	vlanID                                       uuid.UUID
	name, category, typ, hostname, model, serial string
	firmware, os, criticality, lifecycle, owner  string
	location, notes                              string
	ips, macs, cpes, tags                        []string
}

var (
	cpeUnsafe  = regexp.MustCompile(`[^a-z0-9]+`)
	nonLetters = regexp.MustCompile(`[^A-Za-z]`)
)

// genImport makes n assets for the import tenant with the seed's shapes
// (a different site/type mix draw per row, names the seed does not use).
func genImport(n int, sites, vendors map[string]uuid.UUID, vlans map[string]uuid.UUID) []genAsset {
	rng := rand.New(rand.NewPCG(42, 4242))
	seq := map[string]int{}
	k := map[string]int{}
	out := make([]genAsset, 0, n)
	for i := 0; i < n; i++ {
		r := rng.Float64() * 100
		si := 0
		for acc := 0; si < len(siteDefs)-1; si++ {
			if acc += siteDefs[si].weight; r < float64(acc) {
				break
			}
		}
		site := siteDefs[si]
		category := "it"
		if rng.Float64() < 0.6 {
			category = "ot"
		}
		r = rng.Float64() * 100
		var t typeDef
		for acc, j := 0, 0; j < len(typeDefs); j++ {
			if typeDefs[j].category != category {
				continue
			}
			t = typeDefs[j]
			if acc += t.weight; r < float64(acc) {
				break
			}
		}
		vi := rng.IntN(len(t.models))
		vendor := vendorDefs[t.vendors[vi]-1]
		vidx := t.vlans[rng.IntN(len(t.vlans))]
		zone := site.code + " " + zoneDefs[vlanDefs[vidx].zone].name
		number := 10 * (vidx + 1)
		seq[site.code+t.prefix]++
		name := fmt.Sprintf("%s-%s-I%05d", t.prefix, site.code, seq[site.code+t.prefix])
		a := genAsset{site: site.name, siteID: sites[site.name], vendor: vendor[0], vendorID: vendors[vendor[0]],
			vlanRef: site.name + "/" + zone + "/" + strconv.Itoa(number), vlanID: vlans[site.code+"/"+strconv.Itoa(number)],
			name: name, category: category, typ: t.typ, model: t.models[vi],
			serial: fmt.Sprintf("%sI%07d", strings.ToUpper(nonLetters.ReplaceAllString(vendor[0], "")[:3]), (i*7919)%10_000_000),
			os:     t.oses[rng.IntN(len(t.oses))], owner: []string{"OT Engineering", "Maintenance", "IT Operations"}[i%3],
			location: fmt.Sprintf("Hall %d, cabinet %d", i%7+1, i%40+1), criticality: []string{"low", "medium", "medium", "high", "critical"}[rng.IntN(5)],
			lifecycle: "active", ips: []string{}, macs: []string{}, cpes: []string{}, tags: []string{}}
		if category == "ot" {
			a.firmware = fmt.Sprintf("V%d.%d.%d", i%4+1, i%10, i%17)
		} else {
			a.firmware = fmt.Sprintf("%d.%d.%d", i%3+1, i%12, i%40)
		}
		if x := rng.Float64(); x < 0.04 {
			a.lifecycle = "planned"
		} else if x < 0.10 {
			a.lifecycle = "decommissioned"
		}
		if rng.Float64() < t.hostname {
			a.hostname = strings.ToLower(name)
			if category == "it" {
				a.hostname += "." + strings.ToLower(site.code) + ".corp.example.com"
			}
		}
		if rng.Float64() < t.ip {
			key := site.code + "/" + strconv.Itoa(vidx)
			k[key]++
			a.ips = append(a.ips, fmt.Sprintf("10.%d.%d.%d", 16*si+vidx, 128+k[key]/250, k[key]%250+2))
			mac := uint64(i)*2654435761 + 977
			a.macs = append(a.macs, fmt.Sprintf("02:%02x:%02x:%02x:%02x:%02x", t.vendors[vi], byte(mac>>24), byte(mac>>16), byte(mac>>8), byte(mac)))
		}
		if rng.Float64() < 0.3 {
			a.cpes = append(a.cpes, "cpe:2.3:h:"+vendor[1]+":"+strings.Trim(cpeUnsafe.ReplaceAllString(strings.ToLower(a.model), "_"), "_")+":-:*:*:*:*:*:*:*")
		}
		if rng.Float64() < 0.5 {
			a.tags = append(a.tags, []string{"safety", "line-1", "line-2", "remote-access", "legacy", "spare"}[rng.IntN(6)])
		}
		if rng.Float64() < 0.05 {
			a.notes = "Imported from the plant's spreadsheet, row " + strconv.Itoa(i+2) + "."
		}
		out = append(out, a)
	}
	return out
}

// csvFile writes assets in the import's columns (any order is allowed;
// this is the template's without id).
func csvFile(assets []genAsset) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"name", "category", "type", "site", "vlans", "ip_addresses", "mac_addresses", "hostname", "vendor",
		"model", "serial_number", "firmware_version", "os", "cpe", "criticality", "lifecycle", "owner", "location_detail",
		"tags", "notes"})
	for _, a := range assets {
		_ = w.Write([]string{a.name, a.category, a.typ, a.site, a.vlanRef, strings.Join(a.ips, ";"), strings.Join(a.macs, ";"),
			a.hostname, a.vendor, a.model, a.serial, a.firmware, a.os, strings.Join(a.cpes, ";"), a.criticality, a.lifecycle,
			a.owner, a.location, strings.Join(a.tags, ";"), a.notes})
	}
	w.Flush()
	return b.Bytes()
}

func multipartBody(file []byte, dryRun string) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("dry_run", dryRun)
	fw, _ := mw.CreateFormFile("file", "bench-assets.csv")
	_, _ = fw.Write(file)
	_ = mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// benchImport uploads a generated file to the tenant that has a hierarchy
// but no assets: a dry run (answered directly), then the real import,
// polled to its end. The baseline inserts the same rows set-based (INSERT
// … SELECT FROM unnest, DESIGN.md §2.7) as the app role in the tenant's
// transaction, rolled back: the floor of any import.
func (e *env) benchImport(b *testing.B, ctx context.Context, tenant uuid.UUID) importResult {
	b.Helper()
	w := e.out
	rule(w, "Asset CSV import")
	var res importResult
	if status, _, _, err := e.do("GET", "/api/v1/assets/import/template", nil, ""); err != nil || status == 404 {
		res.skipped = "skipped: POST /api/v1/assets/import is not served by this build"
		fmt.Fprintf(w, "  %s\n", res.skipped)
		return res
	}
	sites, vendors, vlans := map[string]uuid.UUID{}, map[string]uuid.UUID{}, map[string]uuid.UUID{}
	for _, q := range []struct {
		sql string
		m   map[string]uuid.UUID
	}{
		{`SELECT name, id FROM sites WHERE tenant_id = $1`, sites},
		{`SELECT name, id FROM vendors WHERE tenant_id = $1`, vendors},
		{`SELECT s.code || '/' || v.number, v.id FROM vlans v JOIN zones z ON z.tenant_id = v.tenant_id AND z.id = v.zone_id
		  JOIN sites s ON s.tenant_id = z.tenant_id AND s.id = z.site_id WHERE v.tenant_id = $1`, vlans},
	} {
		rows, err := e.admin.QueryContext(ctx, q.sql, tenant)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var k string
			var id uuid.UUID
			if err := rows.Scan(&k, &id); err != nil {
				b.Fatal(err)
			}
			q.m[k] = id
		}
		_ = rows.Close()
	}
	assets := genImport(e.cfg.importRows, sites, vendors, vlans)
	file := csvFile(assets)
	res.rows, res.fileBytes = len(assets), len(file)
	fmt.Fprintf(w, "  file: %d rows, %d KiB, to tenant %s (sites, zones, VLANs, vendors; no assets)\n", res.rows, res.fileBytes>>10, accountName(e.cfg.tenants))

	token := e.token
	e.token = e.login(b, "admin@"+accountName(e.cfg.tenants)+".example.com")
	defer func() { e.token = token }()

	// fail reports a broken import in the summary and fails the run
	// without losing the results printed so far.
	fail := func(format string, args ...any) importResult {
		res.skipped = "FAILED: " + fmt.Sprintf(format, args...)
		fmt.Fprintf(w, "  %s\n", res.skipped)
		b.Errorf(format, args...)
		return res
	}
	// Baseline first, rolled back, so the import meets an empty tenant.
	var err error
	if res.baseline, err = e.baselineInsert(ctx, tenant, assets); err != nil {
		return fail("baseline insert: %v", err)
	}
	res.baselineRowsPerSec = float64(res.rows) / res.baseline.Seconds()
	fmt.Fprintf(w, "  baseline INSERT … SELECT FROM unnest (app role, RLS on, assets + VLAN links, rolled back): %s, %.0f rows/s\n",
		res.baseline.Round(time.Millisecond), res.baselineRowsPerSec)

	body, ct := multipartBody(file, "true")
	status, resp, d, err := e.do("POST", "/api/v1/assets/import", body, ct)
	if err != nil || status != 200 {
		return fail("dry run answered %d %v %.500s", status, err, resp)
	}
	res.dryRun = d
	var report struct {
		TotalRows   int             `json:"total_rows"`
		WouldCreate int             `json:"would_create"`
		ErrorCount  int             `json:"error_count"`
		Errors      json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(resp, &report); err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(w, "  dry run: %s (%.0f rows/s): total_rows %d, would_create %d, error_count %d\n", d.Round(time.Millisecond),
		float64(res.rows)/d.Seconds(), report.TotalRows, report.WouldCreate, report.ErrorCount)
	if report.ErrorCount > 0 {
		return fail("the generated file has row errors: %.500s", report.Errors)
	}

	body, ct = multipartBody(file, "false")
	startAt := time.Now()
	status, resp, d, err = e.do("POST", "/api/v1/assets/import", body, ct)
	if err != nil || status != 202 {
		return fail("import answered %d %v %.500s", status, err, resp)
	}
	var started struct {
		ImportID uuid.UUID `json:"import_id"`
	}
	if err := json.Unmarshal(resp, &started); err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(w, "  import: 202 after %s; polling GET /api/v1/imports/%s\n", d.Round(time.Millisecond), started.ImportID)
	var imp struct {
		Status    string `json:"status"`
		TotalRows int    `json:"total_rows"`
		RowsDone  int    `json:"rows_done"`
		Created   int    `json:"created"`
		Message   string `json:"message"`
	}
	lastReport := time.Now()
	for {
		time.Sleep(200 * time.Millisecond)
		status, resp, _, err := e.do("GET", "/api/v1/imports/"+started.ImportID.String(), nil, "")
		if err != nil || status != 200 {
			return fail("import status answered %d %v %.500s", status, err, resp)
		}
		if err := json.Unmarshal(resp, &imp); err != nil {
			return fail("%v", err)
		}
		if imp.Status == "succeeded" || imp.Status == "failed" {
			break
		}
		if time.Since(lastReport) > 10*time.Second {
			fmt.Fprintf(w, "    %s: %d / %d rows after %s\n", imp.Status, imp.RowsDone, imp.TotalRows, time.Since(startAt).Round(time.Second))
			lastReport = time.Now()
		}
		if time.Since(startAt) > 20*time.Minute {
			return fail("the import is still %s after 20 minutes", imp.Status)
		}
	}
	res.endToEnd = time.Since(startAt)
	if imp.Status != "succeeded" {
		return fail("import %s: %s", imp.Status, imp.Message)
	}
	res.rowsPerSec = float64(imp.Created) / res.endToEnd.Seconds()
	fmt.Fprintf(w, "  import: %s, %d created, %s from upload to succeeded: %.0f rows/s\n", imp.Status,
		imp.Created, res.endToEnd.Round(time.Millisecond), res.rowsPerSec)
	fmt.Fprintf(w, "  import ÷ baseline: %.1f× the time of the set-based insert\n", ratio(res.endToEnd, res.baseline))
	return res
}

// baselineInsert writes assets and their VLAN links with two set-based
// statements in a tenant transaction as the app role, then rolls back.
func (e *env) baselineInsert(ctx context.Context, tenant uuid.UUID, assets []genAsset) (time.Duration, error) {
	n := len(assets)
	cols := make([][]string, 21)
	for i := range cols {
		cols[i] = make([]string, n)
	}
	vlanAsset, vlanID := make([]string, n), make([]string, n)
	for i, a := range assets {
		id := uuid.NewString()
		search := strings.ToLower(strings.Join(append(append([]string{a.name, a.hostname, a.serial, a.model}, a.ips...), a.macs...), " "))
		for j, v := range []string{id, a.siteID.String(), a.name, a.category, a.typ, strings.Join(a.ips, ";"), strings.Join(a.macs, ";"),
			a.hostname, a.vendorID.String(), a.model, a.serial, a.firmware, a.os, strings.Join(a.cpes, ";"), a.criticality,
			a.lifecycle, a.owner, a.location, strings.Join(a.tags, ";"), a.notes, search} {
			cols[j][i] = v
		}
		vlanAsset[i], vlanID[i] = id, a.vlanID.String()
	}
	start := time.Now()
	tx, err := e.appSQL.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, "SELECT set_config('app.tenant_id', $1, true)", tenant.String()); err != nil {
		return 0, err
	}
	args := []any{tenant}
	for _, c := range cols {
		args = append(args, c)
	}
	list := func(s string) string { return "string_to_array(nullif(" + s + ", ''), ';')" }
	if _, err := tx.ExecContext(ctx, `INSERT INTO assets (tenant_id, id, site_id, name, category, type, ip_addresses,
			mac_addresses, hostname, vendor_id, model, serial_number, firmware_version, os, cpe, criticality, lifecycle, owner,
			location_detail, tags, notes, source, search_text)
		SELECT $1, u.id::uuid, u.site_id::uuid, u.name, u.category, u.type, coalesce(`+list("u.ips")+`, '{}')::inet[],
			coalesce(`+list("u.macs")+`, '{}')::macaddr[], u.hostname, u.vendor_id::uuid, u.model, u.serial, u.firmware, u.os,
			coalesce(`+list("u.cpe")+`, '{}'), u.criticality, u.lifecycle, u.owner, u.location, coalesce(`+list("u.tags")+`, '{}'),
			u.notes, 'import', u.search
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
			$11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[],
			$20::text[], $21::text[], $22::text[])
			AS u(id, site_id, name, category, type, ips, macs, hostname, vendor_id, model, serial, firmware, os, cpe,
			     criticality, lifecycle, owner, location, tags, notes, search)`, args...); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO asset_vlans (tenant_id, asset_id, vlan_id)
		SELECT $1, a::uuid, v::uuid FROM unnest($2::text[], $3::text[]) AS u(a, v)`, tenant, vlanAsset, vlanID); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
