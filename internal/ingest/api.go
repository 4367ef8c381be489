package ingest

import (
	"context"
	"errors"
	"net"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/migrate"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/jobs"
	"github.com/monozu/monozu/migrations"
)

// Deps are what the ingestor needs from its process.
type Deps struct {
	// HTTP shapes the server; its body limits are the ingestor's own
	// (MaxBodyBytes) whatever is set here.
	HTTP     httpapi.Config
	DB       *database.DB
	Licences Licences
	Assets   Assets
	// Queue enqueues discovery jobs; it needs no workers here.
	Queue *jobs.Queue
	// DeviceRateLimit is requests per minute and device (INGEST_DEVICE_RATE_LIMIT).
	DeviceRateLimit int
	// Keys and Seen, when set, are shared with a Cloud API in the same
	// process (one key cache that deregistrations clear, one last-seen
	// writer run by its owner); the ingestor makes and runs its own when nil.
	Keys *edge.DeviceKeys
	Seen *edge.LastSeen
	Log  zerolog.Logger
}

// API is the ingestor's HTTP server and the last-seen recorder beside it.
type API struct {
	Server *httpapi.Server
	Keys   *edge.DeviceKeys
	Seen   *edge.LastSeen
	// ownSeen: Seen was made here, so RunListener runs it.
	ownSeen bool
}

// New builds the ingestor: POST /v1/ingest, health, readiness and the
// OpenAPI document at /api/v1/openapi.json.
func New(d Deps) (*API, error) {
	if d.DB == nil || d.Licences == nil || d.Assets == nil || d.Queue == nil {
		return nil, errors.New("ingest: DB, Licences, Assets and Queue are required")
	}
	if d.DeviceRateLimit < 1 {
		return nil, errors.New("ingest: the device rate limit must be positive")
	}
	cfg := d.HTTP
	// The handler holds the exact cap (before and after gzip) and answers a
	// problem; the server's own limit, which cuts the connection, lies a
	// little above it.
	cfg.BodyLimit, cfg.UploadLimit = MaxBodyBytes+1<<20, 0
	s := httpapi.New(cfg, d.Log)
	s.RegisterHealth(func(ctx context.Context) error {
		if err := d.DB.Ping(ctx); err != nil {
			return err
		}
		return migrate.Current(ctx, d.DB, migrations.Cloud())
	})
	s.RegisterOpenAPI("Monozu Ingestor")
	a := &API{Server: s, Keys: d.Keys, Seen: d.Seen}
	if a.Keys == nil {
		a.Keys = edge.NewDeviceKeys(d.DB)
	}
	if a.Seen == nil {
		a.Seen, a.ownSeen = edge.NewLastSeen(d.DB, d.Log), true
	}
	h := handler{svc: NewService(d.DB, d.Licences, d.Assets, d.Queue, a.Seen)}
	s.Handle(h.route(a.Keys, a.Seen, d.DeviceRateLimit))
	return a, nil
}

// Run serves on addr until ctx ends (see RunListener).
func (a *API) Run(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return a.RunListener(ctx, ln)
}

// RunListener serves on ln until ctx ends, writing last-seen times beside
// it (when it owns the writer); once in-flight requests are drained it
// writes the last sightings.
func (a *API) RunListener(ctx context.Context, ln net.Listener) error {
	if !a.ownSeen {
		return a.Server.ServeListener(ctx, ln)
	}
	seenCtx, stopSeen := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSeen()
	seenDone := make(chan error, 1)
	go func() { seenDone <- a.Seen.Run(seenCtx) }()
	err := a.Server.ServeListener(ctx, ln)
	stopSeen()
	return errors.Join(err, <-seenDone)
}
