// Package demo fills a development database with a believable customer, so
// `make run` shows a living product. It only adds what is missing, so it is
// safe to run at every start.
package demo

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud/tenancy"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// AccountName of the demo tenant.
const AccountName = "demo"

const actor = "cli:dev"

// Seed creates the demo tenant when it does not exist yet.
func Seed(ctx context.Context, platform *database.Platform, log zerolog.Logger) error {
	svc := tenancy.NewService(nil, platform)
	t, err := svc.FindByAccountName(ctx, actor, AccountName)
	if errs.Is(err, errs.KindNotFound) {
		t, err = svc.Provision(ctx, actor, tenancy.NewTenant{AccountName: AccountName, DisplayName: "Demo Industries"})
		if err == nil {
			log.Info().Str("tenant", t.AccountName).Str("tenant_id", t.ID.String()).Msg("demo tenant created")
		}
		return err
	}
	if err == nil {
		log.Info().Str("tenant", t.AccountName).Str("tenant_id", t.ID.String()).Msg("demo tenant present")
	}
	return err
}
