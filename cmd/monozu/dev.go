package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/demo"
	"github.com/monozu/monozu/internal/mgmt"
	"github.com/monozu/monozu/internal/platform/config"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/localpg"
)

// Local roles and database of the development cluster.
const (
	devAppUser      = "monozu"
	devPlatformUser = "monozu_platform"
	devDatabase     = "monozu"
	devMgmtUser     = "monozu_mgmt"
	devMgmtDatabase = "monozu_mgmt"
)

func setupDev(fs *flag.FlagSet) func(context.Context) error {
	addr := fs.String("addr", "", "listen address of the Cloud API (overrides API_ADDR)")
	noDemo := fs.Bool("no-demo", false, "do not create the demo tenant")
	noEdge := fs.Bool("no-edge-site", false, "do not run the simulated edge site (OT lab and agent of the demo tenant)")
	return func(ctx context.Context) error {
		cfg, err := loadConfig(func(c *config.Config) error {
			if c.IsProduction() {
				return errors.New("dev refuses MONOZU_ENV=production; use serve")
			}
			c.ApplyDevelopmentDefaults()
			if *addr != "" {
				c.APIAddr = *addr
			}
			return nil
		})
		if err != nil {
			return err
		}
		log := newLogger(cfg)
		if cfg.DatabaseURL == "" {
			dir := filepath.Join(cfg.DataDir, "postgres")
			cluster, err := localpg.Ensure(ctx, dir, localpg.Settings{
				Durable: true, MaxConnections: 100,
				Logf: func(f string, a ...any) { log.Info().Msgf(f, a...) },
			})
			if err != nil {
				return err
			}
			if cluster.Started {
				// Stop what this run started; a cluster found running is left alone.
				defer func() {
					if err := localpg.Stop(context.Background(), cluster.Dir); err != nil {
						log.Error().Err(err).Msg("stopping local PostgreSQL")
					} else {
						log.Info().Msg("local PostgreSQL stopped")
					}
				}()
			}
			pw := config.DevDatabasePassword()
			cfg.DatabaseAdminURL = cluster.SuperuserURL("postgres")
			cfg.DatabaseURL = cluster.URL(devAppUser, pw, devDatabase)
			cfg.DatabasePlatformURL = cluster.URL(devPlatformUser, pw, devDatabase)
			if cfg.MgmtDatabaseURL == "" {
				cfg.MgmtDatabaseURL = cluster.URL(devMgmtUser, pw, devMgmtDatabase)
			}
			log.Info().Str("dir", cluster.Dir).Int("port", cluster.Port).Msg("local PostgreSQL running")
		}
		if cfg.CloudAPIURL == "" {
			cfg.CloudAPIURL = "http://localhost" + portOf(cfg.APIAddr)
		}
		if cfg.ManagementAPIURL == "" && cfg.MgmtDatabaseURL != "" {
			cfg.ManagementAPIURL = "http://localhost" + portOf(cfg.MgmtAddr)
		}
		if cfg.DatabaseAdminURL != "" {
			if err := migrateAll(ctx, cfg); err != nil {
				return err
			}
		}
		base := "http://localhost" + portOf(cfg.APIAddr)
		banner := fmt.Sprintf("\n  Monozu is starting\n    Cloud        %s/  (web app; API under /api/v1)\n    Health       %s/healthz  %s/readyz\n    OpenAPI      %s/api/v1/openapi.json\n    Ingestor     http://localhost%s/v1/ingest\n    Management   http://localhost%s/  (web app and API)\n",
			base, base, base, base, portOf(cfg.IngestAddr), portOf(cfg.MgmtAddr))
		return serve(ctx, cfg, log, true, func(api *cloud.API, mgmtAPI *mgmt.API) ([]func(context.Context) error, error) {
			var extra []func(context.Context) error
			if !*noDemo && cfg.DatabasePlatformURL != "" {
				if err := seedDemo(ctx, cfg, api); err != nil {
					return nil, fmt.Errorf("demo data: %w", err)
				}
				banner += fmt.Sprintf("    Demo login   %s / %s (organisation %q)\n", demo.AdminEmail, demo.AdminPassword, demo.AccountName)
				if !*noEdge {
					siteLog := log.With().Str("service", "edge-site").Logger()
					extra = append(extra, func(ctx context.Context) error {
						// The product keeps running without its simulated site.
						if err := runDevSite(ctx, cfg, api, siteLog); err != nil && ctx.Err() == nil {
							siteLog.Error().Err(err).Msg("the simulated edge site stopped")
						}
						<-ctx.Done()
						return nil
					})
					banner += fmt.Sprintf("    Edge site    an EdgeZu agent of %q watching a simulated OT lab on %s (ports +%d)\n",
						demo.AccountName, devLabFirstIP, devLabPortOffset)
				}
			}
			if !*noDemo && mgmtAPI != nil {
				en, err := mgmt.SeedDemoOperator(ctx, mgmtAPI.Operators)
				if err != nil {
					return nil, fmt.Errorf("demo operator: %w", err)
				}
				banner += fmt.Sprintf("    Operator     %s / %s", mgmt.DemoOperatorEmail, mgmt.DemoOperatorPassword)
				if en != nil {
					banner += fmt.Sprintf("\n                 TOTP (shown once, add it to an authenticator app): %s", en.OTPAuthURL)
				} else {
					banner += " (TOTP as enrolled at its first start)"
				}
				banner += "\n"
			}
			fmt.Println(banner)
			return extra, nil
		})
	}
}

func seedDemo(ctx context.Context, cfg *config.Config, api *cloud.API) error {
	opts := database.Options{URL: cfg.DatabasePlatformURL, AppName: "monozu-dev-seed", MaxOpenConns: 2, QueryTimeout: cfg.DBQueryTimeout}
	platform, err := database.OpenPlatform(ctx, opts)
	if err != nil {
		return err
	}
	defer func() { _ = platform.Close() }()
	_, err = demo.Seed(ctx, api.Services, platform, newLogger(cfg))
	return err
}

func portOf(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[i:]
		}
	}
	return ":8000"
}
