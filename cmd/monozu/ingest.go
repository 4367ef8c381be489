package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/ingest"
	"github.com/monozu/monozu/internal/platform/config"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/jobs"
	"github.com/monozu/monozu/internal/platform/telemetry"
)

// setupIngest runs the ingestor alone. Its discovery jobs are worked by the
// Cloud API, which must run somewhere on the same database (as must the
// partition maintenance job, which this process also runs once at start
// when DATABASE_PLATFORM_URL is set).
func setupIngest(fs *flag.FlagSet) func(context.Context) error {
	addr := fs.String("addr", "", "listen address of the ingestor (overrides INGEST_ADDR)")
	return func(ctx context.Context) error {
		cfg, err := loadConfig(func(c *config.Config) error {
			if *addr != "" {
				c.IngestAddr = *addr
			}
			return required("DATABASE_URL", c.DatabaseURL)
		})
		if err != nil {
			return err
		}
		log := newLogger(cfg).With().Str("service", "ingest").Logger()
		log.Info().Interface("config", cfg.Masked()).Msg("starting the ingestor")
		stopTelemetry, err := telemetry.Setup(ctx, telemetry.Options{
			ServiceName: cfg.ServiceName, Version: version, OTLPEndpoint: cfg.OTLPEndpoint, MetricsAddr: cfg.MetricsAddr,
		}, log)
		if err != nil {
			return fmt.Errorf("telemetry: %w", err)
		}
		defer func() {
			flushCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = stopTelemetry(flushCtx)
		}()
		if cfg.DatabasePlatformURL != "" {
			if err := maintainPartitions(ctx, cfg, log); err != nil {
				return err
			}
		}
		run, closeDB, err := newIngestor(ctx, cfg, log, nil)
		if err != nil {
			return err
		}
		defer closeDB()
		return run(ctx)
	}
}

// newIngestor opens the ingestor's own pool and builds it; run serves on
// INGEST_ADDR until ctx ends.
// newIngestor builds the ingestor on its own pool. In one process with a
// Cloud API (serve), shared gives its device-key cache and last-seen writer,
// so a deregistration is refused at once here too.
func newIngestor(ctx context.Context, cfg *config.Config, log zerolog.Logger, shared *cloud.API) (run func(context.Context) error, closeDB func(), err error) {
	db, err := database.Open(ctx, database.Options{
		URL: cfg.DatabaseURL, AppName: "monozu-ingest", MaxOpenConns: cfg.DBMaxOpenConns, MaxIdleConns: cfg.DBMaxIdleConns,
		ConnMaxLifetime: cfg.DBConnMaxLifetime, QueryTimeout: cfg.DBQueryTimeout,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to DATABASE_URL: %w", err)
	}
	closeDB = func() {
		_ = db.Close()
		log.Info().Msg("ingest database pool closed")
	}
	queue, err := jobs.New(db, jobs.Options{}) // enqueues discovery; the Cloud API works it
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	licences := licensing.NewService(db, nil)
	deps := ingest.Deps{
		HTTP: httpConfig(cfg, "ingest"), DB: db, Licences: licences, Assets: cmdb.NewService(db, licences, queue, nil),
		Queue: queue, DeviceRateLimit: cfg.IngestDeviceRateLimit, Log: log,
	}
	if shared != nil {
		deps.Keys, deps.Seen = shared.DeviceKeys, shared.LastSeen
	}
	api, err := ingest.New(deps)
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	return func(ctx context.Context) error { return api.Run(ctx, cfg.IngestAddr) }, closeDB, nil
}

func maintainPartitions(ctx context.Context, cfg *config.Config, log zerolog.Logger) error {
	platform, err := database.OpenPlatform(ctx, database.Options{
		URL: cfg.DatabasePlatformURL, AppName: "monozu-ingest-platform", MaxOpenConns: 1, QueryTimeout: cfg.DBQueryTimeout,
	})
	if err != nil {
		return fmt.Errorf("connecting to DATABASE_PLATFORM_URL: %w", err)
	}
	defer func() { _ = platform.Close() }()
	_, err = ingest.NewMaintenance(platform, log).Partitions(ctx)
	return err
}
