package realtimebench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/ingest"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/jobs"
)

// ingestSender runs the real ingestor in this process on the server's
// database, registers a device of the server's tenant through the API, and
// sends each alert as a POST /v1/ingest of one security_alert event,
// accepted when the 204 arrives.
func ingestSender(b *testing.B, d *dbtest.DB, s *server) sender {
	b.Helper()
	db, err := database.Open(context.Background(), database.Options{URL: d.AppURL, AppName: "monozu-bench-ingest",
		MaxOpenConns: 10, MaxIdleConns: 5, ConnMaxLifetime: 30 * time.Minute, QueryTimeout: 10 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	base := startIngestor(b, db)
	key := registerDevice(b, s)
	client := &http.Client{Timeout: 30 * time.Second}
	return func(title string) (time.Time, error) {
		body, err := json.Marshal([]ingest.Event{{ID: uuid.NewString(), Kind: ingest.KindSecurityAlert,
			Timestamp: time.Now().UTC().Format(time.RFC3339Nano), Data: json.RawMessage(`{"title":"` + title + `","severity":"high"}`)}})
		if err != nil {
			return time.Time{}, err
		}
		req, err := http.NewRequest(http.MethodPost, base+ingest.Path, bytes.NewReader(body))
		if err != nil {
			return time.Time{}, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(edge.DeviceKeyHeader, key)
		res, err := client.Do(req)
		if err != nil {
			return time.Time{}, err
		}
		accepted := time.Now()
		msg, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			return time.Time{}, fmt.Errorf("POST %s: %d %s", ingest.Path, res.StatusCode, msg)
		}
		return accepted, nil
	}
}

// startIngestor serves the ingestor as monozu ingest builds it, on a
// loopback port, until the benchmark ends.
func startIngestor(b *testing.B, db *database.DB) string {
	b.Helper()
	queue, err := jobs.New(db, jobs.Options{})
	if err != nil {
		b.Fatal(err)
	}
	licences := licensing.NewService(db, nil)
	api, err := ingest.New(ingest.Deps{
		HTTP: httpapi.Config{Service: "ingest", Version: "bench", ReadTimeout: time.Minute, WriteTimeout: time.Minute,
			IdleTimeout: time.Minute, ShutdownTimeout: 5 * time.Second},
		DB: db, Licences: licences, Assets: cmdb.NewService(db, licences, queue, nil), Queue: queue,
		DeviceRateLimit: 1_000_000, Log: zerolog.Nop(),
	})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- api.RunListener(ctx, ln) }()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("ingestor: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// registerDevice makes a registration key as the server's admin and
// registers a device with it, returning the device key.
func registerDevice(b *testing.B, s *server) string {
	b.Helper()
	post := func(path string, body any, headers map[string]string, out any) {
		raw, _ := json.Marshal(body)
		req, err := http.NewRequest(http.MethodPost, "http://"+s.addr+path, bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer func() { _ = res.Body.Close() }()
		if res.StatusCode != http.StatusCreated {
			msg, _ := io.ReadAll(res.Body)
			b.Fatalf("POST %s: %d %s", path, res.StatusCode, msg)
		}
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			b.Fatal(err)
		}
	}
	var key edge.CreatedKey
	post("/api/v1/edge/keys", map[string]any{"label": "bench"}, map[string]string{"Authorization": "Bearer " + s.token}, &key)
	var dev edge.Registered
	post("/api/v1/devices/register", map[string]any{"account_name": "feed-bench", "name": "bench-gw"},
		map[string]string{edge.ProvisioningKeyHeader: key.Key}, &dev)
	return dev.DeviceKey
}
