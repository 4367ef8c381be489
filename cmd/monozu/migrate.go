package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/monozu/monozu/internal/platform/config"
	"github.com/monozu/monozu/internal/platform/database/migrate"
	"github.com/monozu/monozu/migrations"
)

func setupMigrate(*flag.FlagSet) func(context.Context) error {
	return func(ctx context.Context) error {
		cfg, err := loadConfig(func(c *config.Config) error {
			return required("DATABASE_ADMIN_URL", c.DatabaseAdminURL, "DATABASE_URL", c.DatabaseURL)
		})
		if err != nil {
			return err
		}
		return migrateAll(ctx, cfg)
	}
}

// migrateAll prepares every database this build has migrations for: the
// Cloud's, and the management plane's when MGMT_DATABASE_URL is set.
func migrateAll(ctx context.Context, cfg *config.Config) error {
	runs := []struct {
		set     migrations.Set
		targets migrate.Targets
	}{{migrations.Cloud(), migrate.Targets{AdminURL: cfg.DatabaseAdminURL, AppURL: cfg.DatabaseURL, PlatformURL: cfg.DatabasePlatformURL}}}
	if cfg.MgmtDatabaseURL != "" {
		admin := cfg.MgmtDatabaseAdminURL
		if admin == "" {
			admin = cfg.DatabaseAdminURL
		}
		runs = append(runs, struct {
			set     migrations.Set
			targets migrate.Targets
		}{migrations.Mgmt(), migrate.Targets{AdminURL: admin, AppURL: cfg.MgmtDatabaseURL}})
	}
	log := newLogger(cfg)
	for _, r := range runs {
		res, err := migrate.Run(ctx, r.set, r.targets)
		if err != nil {
			return fmt.Errorf("%s database: %w", r.set.Name, err)
		}
		log.Info().Str("set", r.set.Name).Str("database", res.Database).Ints64("applied", res.Applied).
			Int64("schema_version", res.Version).Msg("migrations current")
	}
	return nil
}
