package ingestbench

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // the superuser connection of the fixtures
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/cloud/security"
	"github.com/monozu/monozu/internal/ingest"
	"github.com/monozu/monozu/internal/ingest/ingesttest"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/rbac"
	"github.com/monozu/monozu/migrations"
)

// Targets of the ingest issue (spec 40).
const (
	targetEventsPerSec = 50_000
	targetRatio        = 0.6
)

// config is the benchmark's size, from MONOZU_BENCH_* variables.
type config struct {
	duration  time.Duration
	devices   int
	batchSize int
	pool      int
	rounds    int
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
	d := 30 * time.Second
	if raw := os.Getenv("MONOZU_BENCH_INGEST_DURATION"); raw != "" {
		var err error
		if d, err = time.ParseDuration(raw); err != nil || d <= 0 {
			b.Fatalf("MONOZU_BENCH_INGEST_DURATION=%q: want a duration such as 30s", raw)
		}
	}
	return config{duration: d, devices: num("MONOZU_BENCH_INGEST_DEVICES", 8),
		batchSize: num("MONOZU_BENCH_INGEST_BATCH", 1000), pool: num("MONOZU_BENCH_INGEST_POOL", 16),
		rounds: num("MONOZU_BENCH_INGEST_ROUNDS", 6)}
}

// BenchmarkIngest runs once whatever b.N is: devices post batches over
// HTTP for the configured time, then the baseline inserts the same rows
// with the same statements for as long.
func BenchmarkIngest(b *testing.B) {
	if u := os.Getenv("MONOZU_BENCH_DATABASE_URL"); u != "" {
		b.Setenv("MONOZU_TEST_DATABASE_URL", u)
	}
	cfg := loadConfig(b)
	w := os.Stdout
	d := dbtest.New(b, migrations.Cloud())
	ctx := context.Background()
	db, err := database.Open(ctx, database.Options{URL: d.AppURL, AppName: "monozu-bench-ingest", MaxOpenConns: cfg.pool,
		MaxIdleConns: cfg.pool, QueryTimeout: 30 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	// A cleanup, not a defer: cleanups run last-in first-out after the
	// benchmark returns, so the ingestor (registered later) stops and
	// flushes its last-seen times before the pool closes.
	b.Cleanup(func() { _ = db.Close() })
	f := seed(b, d, db, cfg.devices)
	base := startIngestor(b, db)

	// Batches start an hour ago and advance a second each: a 30 s run
	// stays in the past, as the ingestor requires.
	clock := &batchClock{start: time.Now().Add(-time.Hour).Truncate(time.Second)}
	template := newTemplate(b, cfg.batchSize, clock)
	fmt.Fprintf(w, "\nIngest benchmark: %d devices × %d-event mixed batches (%d KiB), %s per phase in %d rounds, pool %d\n",
		cfg.devices, len(template.events), len(template.body)/1024, cfg.duration, cfg.rounds, cfg.pool)
	fmt.Fprintf(w, "machine: %d CPUs (GOMAXPROCS %d), %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())

	cfg.batchSize = len(template.events)
	baseline := newBaseline(template, f, clock)
	// The machine is shared and its load drifts: the two phases alternate
	// in rounds (each first in turn), and each total is summed over them.
	var httpTime, baseTime time.Duration
	var httpBatches, baseBatches int64
	var httpCPU, baseCPU cpuTime
	meter := cpuMeter{admin: f.admin}
	measured := func(phase func(), into *cpuTime) func() {
		return func() {
			before, err := meter.read(ctx)
			if err != nil {
				b.Fatal(err)
			}
			phase()
			after, err := meter.read(ctx)
			if err != nil {
				b.Fatal(err)
			}
			*into = into.add(after.sub(before))
		}
	}
	slice := cfg.duration / time.Duration(cfg.rounds)
	for r := 0; r < cfg.rounds; r++ {
		phases := []func(){
			measured(func() {
				d, n := run(b, cfg, slice, func(dev int) error { return template.post(base, f.keys[dev]) })
				httpTime, httpBatches = httpTime+d, httpBatches+n
			}, &httpCPU),
			measured(func() {
				d, n := run(b, cfg, slice, func(dev int) error { return baseline.insert(ctx, db, f.baselineDevices[dev]) })
				baseTime, baseBatches = baseTime+d, baseBatches+n
			}, &baseCPU),
		}
		if r%2 == 1 {
			phases[0], phases[1] = phases[1], phases[0]
		}
		for _, p := range phases {
			p()
		}
	}
	httpRate := float64(httpBatches*int64(cfg.batchSize)) / httpTime.Seconds()
	baseRate := float64(baseBatches*int64(cfg.batchSize)) / baseTime.Seconds()
	ratio := httpRate / baseRate

	fmt.Fprintf(w, "\n  HTTP (POST %s, validation, alerts, events, jobs)  %9.0f events/s  (%d batches)\n", ingest.Path, httpRate, httpBatches)
	fmt.Fprintf(w, "  baseline (the unnest statements directly)        %9.0f events/s  (%d batches)\n", baseRate, baseBatches)
	fmt.Fprintf(w, "  ratio HTTP ÷ baseline                            %9.2f\n", ratio)
	fmt.Fprintf(w, "  CPU per 1,000 events, HTTP:     %s\n", perThousand(httpCPU, httpBatches, cfg.batchSize))
	fmt.Fprintf(w, "  CPU per 1,000 events, baseline: %s\n", perThousand(baseCPU, baseBatches, cfg.batchSize))
	fmt.Fprintf(w, "  target: ≥ %d events/s over HTTP               %s\n", targetEventsPerSec, verdict(httpRate >= targetEventsPerSec))
	fmt.Fprintf(w, "  target: ratio ≥ %.1f                             %s\n\n", targetRatio, verdict(ratio >= targetRatio))

	b.ReportMetric(0, "ns/op") // one run, not a per-op figure
	b.ReportMetric(httpRate, "http-events/s")
	b.ReportMetric(baseRate, "baseline-events/s")
	b.ReportMetric(ratio, "ratio")
}

func verdict(ok bool) string {
	if ok {
		return "MET"
	}
	return "MISSED"
}

// run calls batch from one goroutine per device for d and returns how long
// it ran and how many batches it stored.
func run(b *testing.B, cfg config, d time.Duration, batch func(dev int) error) (time.Duration, int64) {
	var batches atomic.Int64
	var failed atomic.Value
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for dev := 0; dev < cfg.devices; dev++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if err := batch(dev); err != nil {
					failed.Store(err)
					return
				}
				batches.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	return elapsed, batches.Load()
}

// fixture is the seeded tenant: the posting devices' keys and the devices
// the baseline writes as (one per goroutine, as over HTTP).
type fixture struct {
	tenantID, siteID uuid.UUID
	keys             []string
	baselineDevices  []uuid.UUID
	admin            *sql.DB // the database's superuser (fixtures, backends' CPU)
}

// seed makes an active tenant licensed for backup with a site, devices
// for the HTTP phase and one for the baseline.
func seed(b *testing.B, d *dbtest.DB, db *database.DB, devices int) fixture {
	admin, err := sql.Open("pgx", d.AdminURL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = admin.Close() })
	tenantID, siteID := uuid.New(), uuid.New()
	if _, err := admin.Exec(`INSERT INTO tenants (id, account_name, display_name, status) VALUES ($1, 'bench', 'Bench', 'active')`, tenantID); err != nil {
		b.Fatal(err)
	}
	if _, err := admin.Exec(`INSERT INTO sites (tenant_id, id, name) VALUES ($1, $2, 'Plant')`, tenantID, siteID); err != nil {
		b.Fatal(err)
	}
	ctx := auth.WithPrincipal(context.Background(), auth.System(tenantID))
	l := licensing.License{Plan: "bench", Features: []rbac.Feature{rbac.FeatureBackup}, StartsAt: time.Now().Add(-time.Hour)}
	if err := licensing.NewService(db, nil).Apply(ctx, l, "bench"); err != nil {
		b.Fatal(err)
	}
	f := fixture{tenantID: tenantID, siteID: siteID, admin: admin}
	for i := 0; i < 2*devices; i++ {
		key, hash := ingesttest.DeviceKey()
		id := uuid.New()
		if _, err := admin.Exec(`INSERT INTO edge_devices (tenant_id, id, site_id, name, key_hash) VALUES ($1, $2, $3, $4, $5)`,
			tenantID, id, siteID, fmt.Sprintf("gateway-%d", i), hash); err != nil {
			b.Fatal(err)
		}
		if i < devices {
			f.keys = append(f.keys, key)
		} else {
			f.baselineDevices = append(f.baselineDevices, id)
		}
	}
	return f
}

func startIngestor(b *testing.B, db *database.DB) string {
	log := zerolog.New(io.Discard)
	if os.Getenv("MONOZU_BENCH_LOG") != "" {
		log = zerolog.New(os.Stderr).Level(zerolog.WarnLevel)
	}
	return ingesttest.Start(b, db, log)
}

// template is one encoded mixed batch whose event ids and timestamps are
// replaced for every request: each batch is new rows, later than the one
// before, as a device's batches are (a replay would be much cheaper, and
// repeated timestamps would not grow the key at the device's end).
type template struct {
	events  []ingest.Event
	body    []byte
	ids     []int // where each event's id starts in body
	times   []int // where each event's timestamp starts in body
	offsets []time.Duration
	client  *http.Client
	clock   *batchClock
}

// timeLayout is RFC 3339 with a fixed width, so a timestamp can be
// replaced in place.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// batchClock hands out each batch's start: one second apart, so batches of
// up to 1,000 events one millisecond apart never overlap.
type batchClock struct {
	start time.Time
	next  atomic.Int64
}

func (c *batchClock) batchStart() time.Time {
	return c.start.Add(time.Duration(c.next.Add(1)) * time.Second)
}

func newTemplate(b *testing.B, n int, clock *batchClock) *template {
	t := &template{client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}, clock: clock}
	only := os.Getenv("MONOZU_BENCH_INGEST_KINDS") // e.g. "telemetry,log": a diagnostic mix
	for _, e := range ingesttest.Mixed(n, clock.start) {
		if only == "" || slices.Contains(strings.Split(only, ","), string(e.Kind)) {
			at, err := time.Parse(time.RFC3339Nano, e.Timestamp)
			if err != nil {
				b.Fatal(err)
			}
			t.offsets = append(t.offsets, at.Sub(clock.start))
			e.Timestamp = at.UTC().Format(timeLayout)
			t.events = append(t.events, e)
		}
	}
	var err error
	if t.body, err = json.Marshal(t.events); err != nil {
		b.Fatal(err)
	}
	for _, e := range t.events {
		i := bytes.Index(t.body, []byte(`"id":"`+e.ID+`"`))
		j := bytes.Index(t.body[i:], []byte(`"timestamp":"`+e.Timestamp+`"`))
		if i < 0 || j < 0 {
			b.Fatalf("event %s or its timestamp not found in the encoded batch", e.ID)
		}
		t.ids, t.times = append(t.ids, i+len(`"id":"`)), append(t.times, i+j+len(`"timestamp":"`))
	}
	return t
}

// fresh returns a copy of the body with new ids and the next batch's times.
func (t *template) fresh() []byte {
	body := bytes.Clone(t.body)
	start := t.clock.batchStart()
	buf := make([]byte, 0, len(timeLayout))
	for i, off := range t.ids {
		id := uuid.New()
		copy(body[off:off+36], id.String())
		buf = start.Add(t.offsets[i]).AppendFormat(buf[:0], timeLayout)
		copy(body[t.times[i]:], buf)
	}
	return body
}

func (t *template) post(base, key string) error {
	req, err := http.NewRequest(http.MethodPost, base+ingest.Path, bytes.NewReader(t.fresh()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Device-Key", key)
	res, err := t.client.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = res.Body.Close() }()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusNoContent {
		return fmt.Errorf("POST %s: %d %s", ingest.Path, res.StatusCode, body)
	}
	return nil
}

// baseline holds the template's rows as columns, built once; each insert
// gives them new ids and the next batch's times (as the HTTP phase does)
// and runs the ingestor's statements in one tenant transaction, without
// HTTP, decoding or validation.
type baseline struct {
	tenantID uuid.UUID
	siteID   uuid.UUID
	clock    *batchClock
	offsets  []time.Duration // each event's time from its batch's start
	kinds    []string
	data     []string
	alerts   struct {
		index                                      []int
		asset, title, severity, category, src, dst []string
		srcPort, dstPort                           []int32
		protocol, description, signature           []string
	}
}

func newBaseline(t *template, f fixture, clock *batchClock) *baseline {
	bl := &baseline{tenantID: f.tenantID, siteID: f.siteID, clock: clock, offsets: t.offsets}
	for i, e := range t.events {
		bl.kinds, bl.data = append(bl.kinds, string(e.Kind)), append(bl.data, string(e.Data))
		if e.Kind == ingest.KindSecurityAlert {
			var v ingest.SecurityAlert
			_ = json.Unmarshal(e.Data, &v)
			a := &bl.alerts
			a.index, a.asset, a.title, a.severity, a.category = append(a.index, i), append(a.asset, ""), append(a.title, v.Title),
				append(a.severity, v.Severity), append(a.category, v.Category)
			a.src, a.dst = append(a.src, v.SourceIP), append(a.dst, v.DestinationIP)
			a.srcPort, a.dstPort = append(a.srcPort, int32(*v.SourcePort)), append(a.dstPort, int32(*v.DestinationPort))
			a.protocol, a.description, a.signature = append(a.protocol, v.Protocol), append(a.description, v.Description),
				append(a.signature, v.SignatureID)
		}
	}
	return bl
}

func pick[T any](all []T, index []int) []T {
	out := make([]T, len(index))
	for i, j := range index {
		out[i] = all[j]
	}
	return out
}

func (bl *baseline) insert(ctx context.Context, db *database.DB, deviceID uuid.UUID) error {
	ids, ts := make([][16]byte, len(bl.kinds)), make([]time.Time, len(bl.kinds))
	start := bl.clock.batchStart()
	for i := range ids {
		ids[i], ts[i] = uuid.New(), start.Add(bl.offsets[i])
	}
	ctx = auth.WithPrincipal(ctx, auth.System(bl.tenantID))
	a := &bl.alerts
	return db.InTenant(ctx, func(tx *database.Tx) error {
		var stored ingest.StoredEvents
		if err := tx.Get(ctx, &stored, ingest.InsertEventsSQL, bl.tenantID, deviceID, ids, ts, bl.kinds, bl.data); err != nil {
			return err
		}
		var alerts []security.Alert
		return tx.Select(ctx, &alerts, ingest.InsertAlertsSQL, bl.tenantID, deviceID, bl.siteID, pick(ids, a.index), a.asset,
			a.title, a.severity, a.category, a.src, a.dst, a.srcPort, a.dstPort, a.protocol, a.description, a.signature,
			pick(ts, a.index))
	})
}
