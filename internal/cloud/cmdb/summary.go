package cmdb

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// Summary is the CMDB at a glance, for dashboards: counts only, from one
// statement.
type Summary struct {
	Sites   int `db:"sites" json:"sites"`
	Vendors int `db:"vendors" json:"vendors"`
	// Assets counts managed assets (discovered devices awaiting review are
	// counted apart, in Discovered).
	Assets        int            `db:"assets" json:"assets"`
	ByCategory    map[string]int `db:"-" json:"by_category" doc:"it, ot"`
	ByCriticality map[string]int `db:"-" json:"by_criticality" doc:"low, medium, high, critical"`
	ByLifecycle   map[string]int `db:"-" json:"by_lifecycle" doc:"planned, active, decommissioned"`
	Discovered    int            `db:"discovered" json:"discovered" doc:"devices in the review queue"`
	OpenDrift     int            `db:"open_drift" json:"open_drift"`
}

type summaryRow struct {
	Summary
	Groups database.JSON[map[string]map[string]int] `db:"groups"`
}

// Summary counts the tenant's CMDB.
func (s *Service) Summary(ctx context.Context) (Summary, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Summary, error) {
		var row summaryRow
		err := tx.Get(ctx, &row, `
			WITH managed AS (SELECT category, criticality, lifecycle FROM assets WHERE tenant_id = $1 AND lifecycle <> 'discovered')
			SELECT
				(SELECT count(*) FROM sites WHERE tenant_id = $1) AS sites,
				(SELECT count(*) FROM vendors WHERE tenant_id = $1) AS vendors,
				(SELECT count(*) FROM managed) AS assets,
				(SELECT count(*) FROM assets WHERE tenant_id = $1 AND lifecycle = 'discovered') AS discovered,
				(SELECT count(*) FROM asset_drift WHERE tenant_id = $1 AND status = 'open') AS open_drift,
				json_build_object(
					'category', (SELECT coalesce(json_object_agg(category, n), '{}') FROM (SELECT category, count(*) n FROM managed GROUP BY 1) c),
					'criticality', (SELECT coalesce(json_object_agg(criticality, n), '{}') FROM (SELECT criticality, count(*) n FROM managed GROUP BY 1) c),
					'lifecycle', (SELECT coalesce(json_object_agg(lifecycle, n), '{}') FROM (SELECT lifecycle, count(*) n FROM managed GROUP BY 1) c)
				) AS groups`, tx.TenantID())
		if err != nil {
			return Summary{}, err
		}
		out := row.Summary
		out.ByCategory = withZeros(row.Groups.V["category"], []string{CategoryIT, CategoryOT})
		out.ByCriticality = withZeros(row.Groups.V["criticality"], criticalities)
		out.ByLifecycle = withZeros(row.Groups.V["lifecycle"], lifecycles[:3])
		return out, nil
	})
}

// withZeros is counts with every key present.
func withZeros(counts map[string]int, keys []string) map[string]int {
	out := make(map[string]int, len(keys))
	for _, k := range keys {
		out[k] = counts[k]
	}
	return out
}

func (h *Handler) summaryRoutes(s *httpapi.Server) {
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/cmdb/summary", Permission: "assets.read", Tags: []string{"cmdb"},
		Summary:     "CMDB counts for dashboards",
		Description: "Sites, vendors, managed assets by category, criticality and lifecycle, devices awaiting review and open drift, in one call.",
		Response:    Summary{}, Handler: func(c fiber.Ctx) error {
			sum, err := h.svc.Summary(c.Context())
			if err != nil {
				return err
			}
			return c.JSON(sum)
		}})
}
