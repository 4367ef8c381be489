package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/mgmt"
	"github.com/monozu/monozu/internal/platform/blob"
	"github.com/monozu/monozu/internal/platform/config"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/mail"
	"github.com/monozu/monozu/internal/platform/release"
	"github.com/monozu/monozu/internal/platform/telemetry"
)

// setupServe runs the Cloud API and, for serve (all), every other service:
// the ingestor, and the management plane when MGMT_DATABASE_URL is set.
func setupServe(all bool) func(fs *flag.FlagSet) func(context.Context) error {
	return func(fs *flag.FlagSet) func(context.Context) error { return setupServices(fs, all) }
}

func setupServices(fs *flag.FlagSet, all bool) func(context.Context) error {
	addr := fs.String("addr", "", "listen address of the Cloud API (overrides API_ADDR)")
	return func(ctx context.Context) error {
		cfg, err := loadConfig(func(c *config.Config) error {
			if *addr != "" {
				c.APIAddr = *addr
			}
			return required("DATABASE_URL", c.DatabaseURL, "SECRET_KEY", c.SecretKey)
		})
		if err != nil {
			return err
		}
		return serve(ctx, cfg, newLogger(cfg), all, nil)
	}
}

func newLogger(cfg *config.Config) zerolog.Logger {
	return telemetry.NewLogger(os.Stderr, telemetry.LogFormat(cfg.LogFormat, cfg.IsDevelopment()), cfg.LogLevel).
		With().Str("version", version).Logger()
}

// serve runs the services until ctx ends, then shuts each down gracefully.
// beforeRun, when set, gets the built APIs first and may add services that
// run beside them (monozu dev seeds demo
// data); the management API is nil when it does not run.
func serve(ctx context.Context, cfg *config.Config, log zerolog.Logger, all bool, beforeRun func(*cloud.API, *mgmt.API) ([]func(context.Context) error, error)) error {
	log.Info().Interface("config", cfg.Masked()).Msg("starting monozu")
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

	db, err := database.Open(ctx, database.Options{
		URL: cfg.DatabaseURL, AppName: "monozu-api", MaxOpenConns: cfg.DBMaxOpenConns, MaxIdleConns: cfg.DBMaxIdleConns,
		ConnMaxLifetime: cfg.DBConnMaxLifetime, QueryTimeout: cfg.DBQueryTimeout,
	})
	if err != nil {
		return fmt.Errorf("connecting to DATABASE_URL: %w", err)
	}
	defer func() {
		_ = db.Close()
		log.Info().Msg("database pool closed")
	}()

	var platform *database.Platform
	if cfg.DatabasePlatformURL != "" {
		platform, err = database.OpenPlatform(ctx, database.Options{
			URL: cfg.DatabasePlatformURL, AppName: "monozu-platform", MaxOpenConns: 2, MaxIdleConns: 1,
			ConnMaxLifetime: cfg.DBConnMaxLifetime, QueryTimeout: cfg.DBQueryTimeout,
		})
		if err != nil {
			return fmt.Errorf("connecting to DATABASE_PLATFORM_URL: %w", err)
		}
		defer func() { _ = platform.Close() }()
	}
	mailer, err := newMailer(cfg, log)
	if err != nil {
		return err
	}
	deps := apiDeps(cfg, db, mailer, log)
	deps.Platform = platform
	if deps.Releases, err = releaseDeps(ctx, cfg); err != nil {
		return err
	}
	api, err := cloud.NewAPI(deps)
	if err != nil {
		return err
	}
	services := []func(context.Context) error{func(ctx context.Context) error { return api.Run(ctx, cfg.APIAddr) }}
	if all {
		runIngest, closeIngestDB, err := newIngestor(ctx, cfg, log.With().Str("service", "ingest").Logger(), api)
		if err != nil {
			return err
		}
		defer closeIngestDB()
		services = append(services, runIngest)
	}
	var mgmtAPI *mgmt.API
	if all && cfg.MgmtDatabaseURL != "" {
		mgmtDB, err := openMgmtDB(ctx, cfg)
		if err != nil {
			return err
		}
		defer func() { _ = mgmtDB.Close() }()
		if mgmtAPI, err = mgmt.NewAPI(mgmtDeps(cfg, mgmtDB, log.With().Str("service", "mgmt").Logger())); err != nil {
			return err
		}
		services = append(services, func(ctx context.Context) error { return mgmtAPI.Run(ctx, cfg.MgmtAddr) })
	}
	if beforeRun != nil {
		extra, err := beforeRun(api, mgmtAPI)
		if err != nil {
			return err
		}
		services = append(services, extra...)
	}
	return runAll(ctx, services)
}

// runAll runs services until ctx ends or one of them fails, which stops the
// others; every service drains before it returns.
func runAll(ctx context.Context, services []func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(services))
	for _, run := range services {
		go func() {
			err := run(ctx)
			cancel()
			errc <- err
		}()
	}
	var errs []error
	for range services {
		errs = append(errs, <-errc)
	}
	return errors.Join(errs...)
}

func apiDeps(cfg *config.Config, db *database.DB, mailer mail.Mailer, log zerolog.Logger) cloud.Deps {
	return cloud.Deps{
		HTTP:            httpConfig(cfg, "api"),
		Mailer:          mailer,
		WebhookSecret:   []byte(cfg.WebhookSecret),
		ManagementURL:   cfg.ManagementAPIURL,
		InternalToken:   cfg.InternalToken,
		AppBaseURL:      strings.TrimSuffix(cfg.AppBaseURL, "/"),
		IngestPublicURL: strings.TrimSuffix(cfg.IngestPublicURL, "/"),
		DeviceRateLimit: cfg.DeviceRateLimit,
		CommandLease:    cfg.EdgeCommandLease,
		Auth: cloud.AuthConfig{
			SecretKey: cfg.SecretKey, AccessTTL: cfg.AccessTokenTTL(), RefreshTTL: cfg.RefreshTokenTTL(),
			MFAIssuer: cfg.MFAIssuer, SecureCookies: !cfg.IsDevelopment(), CredentialRateLimit: cfg.AuthRateLimit,
		},
		DB:        db,
		ListenURL: cfg.DatabaseURL,
		Log:       log.With().Str("service", "api").Logger(),
	}
}

// releaseDeps opens the blob store of BLOB_DRIVER and reads the release
// key; the configuration has been validated.
func releaseDeps(ctx context.Context, cfg *config.Config) (cloud.ReleaseDeps, error) {
	d := cloud.ReleaseDeps{PublishToken: cfg.SnapPublishToken}
	var err error
	switch cfg.BlobDriver {
	case "azure":
		// Start-up checks the container exists (creating it when missing).
		connectCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		d.Store, err = blob.Azure(connectCtx, cfg.AzureStorageConnStr, cfg.AzureStorageContainer)
		cancel()
	default:
		d.Store, err = blob.Local(cfg.SnapBlobLocalRoot)
	}
	if err != nil {
		return d, fmt.Errorf("blob store (BLOB_DRIVER=%s): %w", cfg.BlobDriver, err)
	}
	if cfg.SnapSigningKey != "" {
		signer, err := release.ParseSigningKey(cfg.SnapSigningKey)
		if err != nil {
			return d, fmt.Errorf("SNAP_SIGNING_KEY: %w", err)
		}
		d.Signer = &signer
	}
	return d, nil
}

// newMailer picks the mail transport of MAIL_DRIVER.
func newMailer(cfg *config.Config, log zerolog.Logger) (mail.Mailer, error) {
	switch cfg.MailDriver {
	case "smtp":
		return mail.NewSMTP(mail.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
			Password: cfg.SMTPPassword, From: cfg.MailFrom, Security: cfg.SMTPSecurity})
	case "resend":
		return mail.NewResend(mail.ResendConfig{APIKey: cfg.ResendAPIKey, From: cfg.MailFrom})
	}
	return mail.NewOutbox(log.With().Str("component", "mail").Logger(), 200), nil
}

func httpConfig(cfg *config.Config, service string) httpapi.Config {
	return httpapi.Config{
		Service: service, Version: version, BodyLimit: cfg.BodyLimit, UploadLimit: cfg.UploadLimit,
		ReadTimeout: cfg.ReadTimeout, WriteTimeout: cfg.WriteTimeout, IdleTimeout: cfg.IdleTimeout,
		ShutdownTimeout: cfg.ShutdownTimeout, AllowOrigins: cfg.AllowOrigins, HSTS: cfg.IsProduction(),
	}
}
