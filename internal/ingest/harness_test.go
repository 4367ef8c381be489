package ingest_test

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection of fixtures
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/security"
	"github.com/monozu/monozu/internal/ingest"
	"github.com/monozu/monozu/internal/ingest/ingesttest"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/jobs"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// world is the Cloud API (working jobs, the CMDB) and an ingestor on a
// loopback port, on one test database.
type world struct {
	env   *cloudtest.Env
	admin *sql.DB
	api   *ingest.API
	base  string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := cloudtest.New(t)
	admin, err := sql.Open("pgx", env.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	w := &world{env: env, admin: admin}
	w.api, w.base = w.startIngest(t, 10_000)
	return w
}

// startIngest runs an ingestor allowing perMinute requests per device.
func (w *world) startIngest(t *testing.T, perMinute int) (*ingest.API, string) {
	t.Helper()
	api := w.newIngest(t, perMinute)
	return api, ingesttest.Serve(t, api)
}

// newIngest builds an ingestor allowing perMinute requests per device.
func (w *world) newIngest(t *testing.T, perMinute int) *ingest.API {
	t.Helper()
	queue, err := jobs.New(w.env.DB.App, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	api, err := ingest.New(ingest.Deps{
		HTTP: httpapi.Config{Service: "ingest", Version: "test", ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second,
			IdleTimeout: 10 * time.Second, ShutdownTimeout: time.Second},
		DB: w.env.DB.App, Licences: w.env.Services.Licensing, Assets: w.env.Services.CMDB, Queue: queue,
		DeviceRateLimit: perMinute, Log: zerolog.Nop(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// tenant is an active organisation with a site.
type tenant struct {
	id      uuid.UUID
	session cloudtest.Session
	site    uuid.UUID
}

func (w *world) tenant(t *testing.T, account string, features ...rbac.Feature) tenant {
	t.Helper()
	id, s := w.env.ActiveTenant(t, account, features...)
	tn := tenant{id: id, session: s}
	tn.site = w.create(t, tn, "/api/v1/sites", map[string]any{"name": account + " plant"})
	return tn
}

// create posts body to path in tn's Cloud API and returns the new id.
func (w *world) create(t *testing.T, tn tenant, path string, body any) uuid.UUID {
	t.Helper()
	r := w.env.Do(t, http.MethodPost, path, body, tn.session.Bearer())
	if r.Status != http.StatusCreated {
		t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
	}
	var out struct {
		ID uuid.UUID `json:"id"`
	}
	r.JSON(t, &out)
	return out.ID
}

// device is a registered edge device and its key.
type device struct {
	tenant uuid.UUID
	id     uuid.UUID
	key    string
}

// device registers a device of tn (in site when set) with a fresh key, as
// a fixture written by the superuser.
func (w *world) device(t *testing.T, tn tenant, site *uuid.UUID) device {
	t.Helper()
	key, hash := ingesttest.DeviceKey()
	d := device{tenant: tn.id, id: uuid.New(), key: key}
	if _, err := w.admin.Exec(`INSERT INTO edge_devices (tenant_id, id, site_id, name, key_hash) VALUES ($1, $2, $3, 'gateway', $4)`,
		tn.id, d.id, site, hash); err != nil {
		t.Fatal(err)
	}
	return d
}

// reply is an ingestor answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) problem(t *testing.T) map[string]any {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("problem body %q: %v", r.body, err)
	}
	return p
}

func post(t *testing.T, base, key string, body []byte, headers map[string]string) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+ingest.Path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("X-Device-Key", key)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: res.StatusCode, header: res.Header, body: out}
}

func encode(t *testing.T, events any) []byte {
	t.Helper()
	raw, err := json.Marshal(events)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func gzipped(t *testing.T, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// counts are a device's stored rows per table.
type counts struct {
	events, telemetry, logs, alerts, domainEvents, jobs int
}

func (w *world) counts(t *testing.T, d device) counts {
	t.Helper()
	var c counts
	err := w.admin.QueryRow(`SELECT
			(SELECT count(*) FROM ingest_events WHERE tenant_id = $1 AND device_id = $2),
			(SELECT count(*) FROM edge_telemetry WHERE tenant_id = $1 AND device_id = $2),
			(SELECT count(*) FROM edge_device_logs WHERE tenant_id = $1 AND device_id = $2),
			(SELECT count(*) FROM security_alerts WHERE tenant_id = $1 AND device_id = $2),
			(SELECT count(*) FROM domain_events WHERE tenant_id = $1 AND type = $3 AND payload->>'device_id' = $2::text),
			(SELECT count(*) FROM river_job WHERE kind = 'ingest_discovery' AND args->>'device_id' = $2::text)`,
		d.tenant, d.id, security.EventAlertRaised).Scan(&c.events, &c.telemetry, &c.logs, &c.alerts, &c.domainEvents, &c.jobs)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// waitFor polls cond (a job's effect) for up to 15 seconds.
func waitFor(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := cond()
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
