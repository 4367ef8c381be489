package cmdb

import (
	"context"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
)

// AssetsByIP tells, for each of ips some asset of the site carries, that
// asset's id (the oldest asset when several share an address), in the
// caller's tenant transaction: the ingestor resolves security alerts to
// assets with it. The lookup goes through the address index
// (cmdb_assets_by_address), confined to the transaction's tenant and to
// the site; addresses that are not valid IPs find nothing.
func (s *Service) AssetsByIP(ctx context.Context, tx *database.Tx, siteID uuid.UUID, ips []string) (map[string]uuid.UUID, error) {
	out := map[string]uuid.UUID{}
	var valid []string
	for _, ip := range ips {
		if c, err := canonicalIP(ip); err == nil {
			valid = append(valid, c)
		}
	}
	if len(valid) == 0 {
		return out, nil
	}
	var rows []struct {
		IP string    `db:"ip"`
		ID uuid.UUID `db:"id"`
	}
	err := tx.Select(ctx, &rows, `SELECT DISTINCT ON (host(ip)) host(ip) AS ip, a.id
		FROM assets a CROSS JOIN LATERAL unnest(a.ip_addresses) AS ip
		WHERE a.tenant_id = $1 AND a.site_id = $2
		  AND a.id IN (SELECT cmdb_assets_by_address($2, '{}'::macaddr[], $3::inet[]))
		  AND ip = ANY($3::inet[])
		ORDER BY host(ip), a.created_at, a.id`, tx.TenantID(), siteID, valid)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.IP] = r.ID
	}
	return out, nil
}
