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

// migrateAll prepares every database this build has migrations for.
func migrateAll(ctx context.Context, cfg *config.Config) error {
	log := newLogger(cfg)
	set := migrations.Cloud()
	res, err := migrate.Run(ctx, set, migrate.Targets{
		AdminURL: cfg.DatabaseAdminURL, AppURL: cfg.DatabaseURL, PlatformURL: cfg.DatabasePlatformURL,
	})
	if err != nil {
		return fmt.Errorf("%s database: %w", set.Name, err)
	}
	log.Info().Str("set", set.Name).Str("database", res.Database).Ints64("applied", res.Applied).
		Int64("schema_version", res.Version).Msg("migrations current")
	return nil
}
