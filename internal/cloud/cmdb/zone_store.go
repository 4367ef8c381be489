package cmdb

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// zoneQuery reads zones with their site's name and VLAN count: the zones
// first (cond and tail: filter, order, limit, lock), then one grouped count
// over the page's ids in the same statement.
func zoneQuery(cond, tail string) string {
	return `WITH page AS (SELECT z.id, z.site_id, z.name, z.purdue_level, z.description, z.security_level,
			z.version, z.created_at, z.updated_at
		FROM zones z WHERE z.tenant_id = $1 AND ` + cond + ` ` + tail + `)
	SELECT page.*, coalesce(s.name, '') AS site_name, coalesce(vc.vlans, 0) AS vlan_count
	FROM page
	LEFT JOIN sites s ON s.tenant_id = $1 AND s.id = page.site_id
	LEFT JOIN (SELECT v.zone_id, count(*) AS vlans FROM vlans v
		WHERE v.tenant_id = $1 AND v.zone_id IN (SELECT id FROM page) GROUP BY v.zone_id) vc ON vc.zone_id = page.id
	ORDER BY lower(page.name), page.id`
}

func listZones(ctx context.Context, tx *database.Tx, f ZoneFilter, after zoneKey, limit int) ([]Zone, error) {
	w := hierWhere{args: []any{tx.TenantID()}}
	w.add("(lower(z.name), z.id) > (lower(" + w.arg(after.Name) + "::text), " + w.arg(after.ID) + "::uuid)")
	if f.siteID != uuid.Nil {
		w.add("z.site_id = " + w.arg(f.siteID))
	}
	if f.PurdueLevel != "" {
		w.add("z.purdue_level = " + w.arg(f.PurdueLevel))
	}
	zones := []Zone{}
	err := tx.Select(ctx, &zones, zoneQuery(w.cond(), "ORDER BY lower(z.name), z.id LIMIT "+w.arg(limit)), w.args...)
	return zones, err
}

func zoneByID(ctx context.Context, tx *database.Tx, id uuid.UUID) (Zone, error) {
	return getZone(ctx, tx, zoneQuery("z.id = $2", ""), id)
}

// lockZoneForUpdate holds the zone's row until the transaction ends while
// VLANs may still be added to it.
func lockZoneForUpdate(ctx context.Context, tx *database.Tx, id uuid.UUID) (Zone, error) {
	return getZone(ctx, tx, zoneQuery("z.id = $2", "FOR NO KEY UPDATE OF z"), id)
}

// lockZoneForDelete shuts out new VLANs of the zone until it is gone.
func lockZoneForDelete(ctx context.Context, tx *database.Tx, id uuid.UUID) (Zone, error) {
	return getZone(ctx, tx, zoneQuery("z.id = $2", "FOR UPDATE OF z"), id)
}

func getZone(ctx context.Context, tx *database.Tx, query string, id uuid.UUID) (Zone, error) {
	var z Zone
	err := tx.Get(ctx, &z, query, tx.TenantID(), id)
	if errs.Is(err, errs.KindNotFound) {
		return Zone{}, errs.NotFound("zone")
	}
	return z, err
}

// zonesByIDs reads the zones the preset created, in preset (level) order.
func zonesByIDs(ctx context.Context, tx *database.Tx, ids []uuid.UUID) ([]Zone, error) {
	raw := make([]string, len(ids))
	for i, id := range ids {
		raw[i] = id.String()
	}
	zones := []Zone{}
	if err := tx.Select(ctx, &zones, zoneQuery("z.id = ANY($2::uuid[])", ""), tx.TenantID(), raw); err != nil {
		return nil, err
	}
	rank := func(z Zone) int {
		return slices.IndexFunc(zonePreset, func(p struct{ level, name string }) bool { return p.name == z.Name })
	}
	slices.SortFunc(zones, func(a, b Zone) int { return rank(a) - rank(b) })
	return zones, nil
}

// zoneSiteExists checks the site a zone is put into; it holds the site
// (FOR KEY SHARE) so it cannot be deleted before the zone is written.
func zoneSiteExists(ctx context.Context, tx *database.Tx, siteID uuid.UUID) error {
	var found bool
	err := tx.Get(ctx, &found, `SELECT EXISTS (SELECT 1 FROM sites WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE)`,
		tx.TenantID(), siteID)
	if err != nil {
		return err
	}
	if !found {
		return errs.Invalid(errZoneSiteGone)
	}
	return nil
}

// zoneAssetsOutside counts the assets in the zone's VLANs whose site is
// not siteID.
func zoneAssetsOutside(ctx context.Context, tx *database.Tx, zoneID, siteID uuid.UUID) (int, error) {
	var n int
	err := tx.Get(ctx, &n, `SELECT count(DISTINCT a.id) FROM asset_vlans av
		JOIN vlans v ON v.tenant_id = av.tenant_id AND v.id = av.vlan_id
		JOIN assets a ON a.tenant_id = av.tenant_id AND a.id = av.asset_id
		WHERE av.tenant_id = $1 AND v.zone_id = $2 AND a.site_id <> $3`, tx.TenantID(), zoneID, siteID)
	return n, err
}

func insertZone(ctx context.Context, tx *database.Tx, z Zone) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.Get(ctx, &id, `INSERT INTO zones (tenant_id, site_id, name, purdue_level, description, security_level)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		tx.TenantID(), z.SiteID, z.Name, z.PurdueLevel, z.Description, z.SecurityLevel)
	return id, zoneWriteError(err)
}

// insertZonePreset inserts the preset's zones into a site, skipping every
// name the site already has (the unique index decides, so two presets
// racing create each zone once), and returns the ids of the new ones.
func insertZonePreset(ctx context.Context, tx *database.Tx, siteID uuid.UUID) ([]uuid.UUID, error) {
	levels, names := make([]string, len(zonePreset)), make([]string, len(zonePreset))
	for i, p := range zonePreset {
		levels[i], names[i] = p.level, p.name
	}
	ids := []uuid.UUID{}
	err := tx.Select(ctx, &ids, `INSERT INTO zones (tenant_id, site_id, name, purdue_level)
		SELECT $1, $2, p.name, p.level FROM unnest($3::text[], $4::text[]) AS p(name, level)
		ON CONFLICT DO NOTHING RETURNING id`, tx.TenantID(), siteID, names, levels)
	return ids, zoneWriteError(err)
}

func updateZone(ctx context.Context, tx *database.Tx, z Zone) error {
	_, err := tx.Exec(ctx, `UPDATE zones SET site_id = $3, name = $4, purdue_level = $5, description = $6,
			security_level = $7, version = version + 1, updated_at = now()
		WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID(), z.ID, z.SiteID, z.Name, z.PurdueLevel, z.Description, z.SecurityLevel)
	return zoneWriteError(err)
}

// zoneWriteError names the field a refused write is about: a name the
// site already has, or a site deleted meanwhile.
func zoneWriteError(err error) error {
	var pgErr *pgconn.PgError
	switch {
	case hierConstraint(err) == "zones_name":
		return errs.Invalid(errZoneNameTaken)
	case errors.As(err, &pgErr) && pgErr.Code == "23503":
		return errs.Invalid(errZoneSiteGone)
	}
	return err
}

func deleteZone(ctx context.Context, tx *database.Tx, id uuid.UUID) error {
	_, err := tx.Exec(ctx, `DELETE FROM zones WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id)
	return hierDeleteError(err, "zone")
}
