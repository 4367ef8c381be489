// Package demo fills a development database with a believable customer, so
// `make run` shows a living product. It goes through the product's own
// services (registration, licensing) and only adds what is missing, so it is
// safe to run at every start.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/identity"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/cloud/tenancy"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// The demo tenant and its administrator. The password is printed by
// `monozu dev`; it exists only in development databases.
const (
	AccountName = "demo"
	AdminEmail  = "admin@demo.example.com"
	// AdminPassword passes the password rules; it is not a secret.
	AdminPassword = "monozu-demo-admin-2026"
)

const actor = "cli:dev"

// Seed creates the active demo tenant with every module and its admin when
// the tenant does not exist yet, and its CMDB estate when that is missing.
// It reports whether it created the tenant.
func Seed(ctx context.Context, svc *cloud.Services, platform *database.Platform, log zerolog.Logger) (bool, error) {
	tenantID, created, err := seedTenant(ctx, svc, platform, log)
	if err != nil {
		return false, err
	}
	seeded, err := seedCMDB(auth.WithPrincipal(ctx, auth.System(tenantID)), svc)
	if err != nil {
		return false, fmt.Errorf("demo CMDB: %w", err)
	}
	if seeded {
		log.Info().Msg("demo CMDB created: two plants with Purdue zones, VLANs, vendors, assets and a diagram")
	}
	return created, nil
}

func seedTenant(ctx context.Context, svc *cloud.Services, platform *database.Platform, log zerolog.Logger) (uuid.UUID, bool, error) {
	existing, err := tenancy.NewService(nil, platform).FindByAccountName(ctx, actor, AccountName)
	if err == nil {
		log.Info().Str("tenant", existing.AccountName).Str("tenant_id", existing.ID.String()).Msg("demo tenant present")
		return existing.ID, false, nil
	}
	if !errs.Is(err, errs.KindNotFound) {
		return uuid.Nil, false, err
	}
	t, _, err := svc.Identity.Register(ctx, identity.Registration{
		AccountName: AccountName, OrganizationName: "Demo Industries", Email: AdminEmail,
		Password: AdminPassword, DisplayName: "Demo Admin",
	})
	if err != nil {
		return uuid.Nil, false, err
	}
	tenantCtx := auth.WithPrincipal(ctx, auth.System(t.ID))
	l := licensing.License{Plan: "demo", Features: rbac.Features(), StartsAt: time.Now().Add(-time.Hour),
		Limits: map[string]int{"max_assets": 100_000, "max_devices": 100, "max_users": 50}}
	if err := svc.Licensing.Apply(tenantCtx, l, actor); err != nil {
		return uuid.Nil, false, err
	}
	log.Info().Str("tenant", t.AccountName).Str("tenant_id", t.ID.String()).Msg("demo tenant created and licensed")
	return t.ID, true, nil
}
