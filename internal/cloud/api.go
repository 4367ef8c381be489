// Package cloud is the composition root of the Cloud API: it wires the
// bounded contexts under internal/cloud/* onto the shared HTTP platform.
package cloud

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/migrate"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/migrations"
)

// Deps are what the Cloud API needs from its process.
type Deps struct {
	HTTP httpapi.Config
	DB   *database.DB
	Log  zerolog.Logger
}

// NewAPI builds the Cloud API server with every route registered.
func NewAPI(d Deps) *httpapi.Server {
	s := httpapi.New(d.HTTP, d.Log)
	s.RegisterHealth(func(ctx context.Context) error {
		if err := d.DB.Ping(ctx); err != nil {
			return err
		}
		return migrate.Current(ctx, d.DB, migrations.Cloud())
	})
	s.RegisterOpenAPI("Monozu Cloud API")
	return s
}
