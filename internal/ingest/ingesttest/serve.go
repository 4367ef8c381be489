package ingesttest

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/ingest"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/jobs"
)

// Start builds the ingestor on db as `monozu ingest` does (its own job
// queue client, licences and asset lookups), without a practical rate
// limit, and serves it on loopback until tb ends. It returns the base URL.
func Start(tb testing.TB, db *database.DB, log zerolog.Logger) string {
	tb.Helper()
	queue, err := jobs.New(db, jobs.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	licences := licensing.NewService(db, nil)
	api, err := ingest.New(ingest.Deps{
		HTTP: httpapi.Config{Service: "ingest", Version: "test", ReadTimeout: time.Minute, WriteTimeout: time.Minute,
			IdleTimeout: time.Minute, ShutdownTimeout: 5 * time.Second},
		DB: db, Licences: licences, Assets: cmdb.NewService(db, licences, queue, nil), Queue: queue,
		DeviceRateLimit: 1_000_000, Log: log,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return Serve(tb, api)
}

// Serve runs api on a loopback port until tb ends (a clean stop is part of
// the test) and returns its base URL.
func Serve(tb testing.TB, api *ingest.API) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- api.RunListener(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("ingestor: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
