package auditlog

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // the superuser connection that seeds and inspects

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/migrations"
)

// bulkEntries is more than any socket or driver buffer holds (about 15 MB of
// CSV), so a download that is cut off cannot already be complete.
const bulkEntries = 100_000

// streamingEnv serves the export handler alone on a real listener: a bare
// Fiber app isolates the handler's streaming contract (chunked body, memory
// of one entry, failures visible to the client) from the shared middleware.
type streamingEnv struct {
	url   string
	admin *sql.DB
}

func newStreamingEnv(t *testing.T) streamingEnv {
	t.Helper()
	d := dbtest.New(t, migrations.Cloud())
	admin, err := sql.Open("pgx", d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	tenant := uuid.New()
	if _, err := admin.Exec(`INSERT INTO tenants (id, account_name, display_name) VALUES ($1, 'bulk', 'Bulk')`, tenant); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`INSERT INTO audit_log (tenant_id, id, at, actor_type, action, summary)
		SELECT $1, gen_random_uuid(), now() - g * interval '1 second', 'system', 'test.bulk', 'bulk entry ' || g
		FROM generate_series(1, $2::int) g`, tenant, bulkEntries); err != nil {
		t.Fatal(err)
	}
	h := NewHandler(d.App, 0)
	app := fiber.New()
	principal := auth.Principal{Kind: auth.KindUser, TenantID: tenant, ActorID: uuid.New()}
	app.Get("/export", func(c fiber.Ctx) error {
		c.SetContext(auth.WithPrincipal(c.Context(), principal))
		return h.export(c)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return streamingEnv{url: "http://" + ln.Addr().String() + "/export", admin: admin}
}

// start begins a download and reads its first kilobyte, which it returns
// with the response.
func (s streamingEnv) start(t *testing.T) (*http.Response, []byte) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(s.url)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || len(resp.TransferEncoding) == 0 || resp.TransferEncoding[0] != "chunked" {
		t.Fatalf("status %d, transfer encoding %v: want a chunked 200", resp.StatusCode, resp.TransferEncoding)
	}
	first := make([]byte, 1024)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	return resp, first
}

// eventually polls the superuser connection until query returns want.
func (s streamingEnv) eventually(t *testing.T, what, query string, want int) {
	t.Helper()
	var got int
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if err := s.admin.QueryRow(query).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got == want {
			return
		}
	}
	t.Fatalf("%s: %d, want %d", what, got, want)
}

const (
	exportQueries = `SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT id, at,%' AND state <> 'idle'`
	exportRecords = `SELECT count(*) FROM audit_log WHERE action = 'audit.export'`
)

func TestExportStreamsAChunkedBody(t *testing.T) {
	s := newStreamingEnv(t)
	resp, first := s.start(t)
	defer func() { _ = resp.Body.Close() }()
	records, err := csv.NewReader(io.MultiReader(bytes.NewReader(first), resp.Body)).ReadAll()
	if err != nil {
		t.Fatalf("the download broke: %v", err)
	}
	if want := 1 + bulkEntries + 1; len(records) != want { // header, entries, the export's own record
		t.Fatalf("%d records, want %d", len(records), want)
	}
	s.eventually(t, "export records", exportRecords, 1)
}

func TestExportFailingPartWayBreaksTheDownload(t *testing.T) {
	s := newStreamingEnv(t)
	resp, _ := s.start(t)
	defer func() { _ = resp.Body.Close() }()
	if _, err := s.admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT id, at,%'`); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("want the download to break off, got %v", err)
	}
}

func TestAbandonedExportStaysOnRecordAndEnds(t *testing.T) {
	s := newStreamingEnv(t)
	resp, _ := s.start(t)
	_ = resp.Body.Close()
	s.eventually(t, "export records", exportRecords, 1)
	s.eventually(t, "export queries still running", exportQueries, 0)
}
