package realtimebench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/ingest"
	"github.com/monozu/monozu/internal/ingest/ingesttest"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
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
	base := ingesttest.Start(b, db, zerolog.Nop())
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
