package demo

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
)

// EdgeSiteCode is the demo site that monozu dev's simulated edge appliance
// watches: the lab's devices are discovered there.
const EdgeSiteCode = "RWT"

// EdgeProvisioningKey makes a one-use registration key, valid for an hour,
// that registers a device of the demo tenant in the site EdgeSiteCode.
func EdgeProvisioningKey(ctx context.Context, svc *cloud.Services, platform *database.Platform) (string, error) {
	tenantID, _, err := seedTenant(ctx, svc, platform, zerolog.Nop())
	if err != nil {
		return "", err
	}
	ctx = auth.WithPrincipal(ctx, auth.System(tenantID))
	site, err := svc.CMDB.SiteByCode(ctx, EdgeSiteCode)
	if err != nil {
		return "", err
	}
	once, expires := 1, time.Now().Add(time.Hour)
	created, err := svc.Edge.CreateKey(ctx, edge.NewKey{Label: "monozu dev: simulated edge site", MaxUses: &once,
		ExpiresAt: &expires, SiteID: &site.ID})
	return created.Key, err
}
