package cmdb

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// vlanQuery reads VLANs with their zone, site and asset count: the VLANs
// first (cond and tail: filter, order, limit, lock; the zone is joined as z
// for the site filter), then one grouped count over the page's ids in the
// same statement.
func vlanQuery(cond, tail string) string {
	return `WITH page AS (SELECT v.id, v.zone_id, v.number, v.name, v.cidr::text AS cidr, host(v.gateway) AS gateway,
			v.version, v.created_at, v.updated_at
		FROM vlans v LEFT JOIN zones z ON z.tenant_id = v.tenant_id AND z.id = v.zone_id
		WHERE v.tenant_id = $1 AND ` + cond + ` ` + tail + `)
	SELECT page.*, coalesce(z.name, '') AS zone_name, z.site_id, coalesce(s.name, '') AS site_name,
		coalesce(ac.assets, 0) AS asset_count
	FROM page
	LEFT JOIN zones z ON z.tenant_id = $1 AND z.id = page.zone_id
	LEFT JOIN sites s ON s.tenant_id = $1 AND s.id = z.site_id
	LEFT JOIN (SELECT av.vlan_id, count(*) AS assets FROM asset_vlans av
		WHERE av.tenant_id = $1 AND av.vlan_id IN (SELECT id FROM page) GROUP BY av.vlan_id) ac ON ac.vlan_id = page.id
	ORDER BY page.number, page.id`
}

func listVLANs(ctx context.Context, tx *database.Tx, f VLANFilter, after vlanKey, limit int) ([]VLAN, error) {
	w := hierWhere{args: []any{tx.TenantID()}}
	w.add("(v.number, v.id) > (" + w.arg(after.Number) + "::integer, " + w.arg(after.ID) + "::uuid)")
	if f.zoneID != uuid.Nil {
		w.add("v.zone_id = " + w.arg(f.zoneID))
	}
	if f.siteID != uuid.Nil {
		w.add("z.site_id = " + w.arg(f.siteID))
	}
	if f.number != 0 {
		w.add("v.number = " + w.arg(f.number))
	}
	vlans := []VLAN{}
	err := tx.Select(ctx, &vlans, vlanQuery(w.cond(), "ORDER BY v.number, v.id LIMIT "+w.arg(limit)), w.args...)
	return vlans, err
}

func vlanByID(ctx context.Context, tx *database.Tx, id uuid.UUID) (VLAN, error) {
	return getVLAN(ctx, tx, vlanQuery("v.id = $2", ""), id)
}

// lockVLANForUpdate holds the VLAN's row while assets may still join it.
func lockVLANForUpdate(ctx context.Context, tx *database.Tx, id uuid.UUID) (VLAN, error) {
	return getVLAN(ctx, tx, vlanQuery("v.id = $2", "FOR NO KEY UPDATE OF v"), id)
}

// lockVLANForDelete shuts out assets joining the VLAN until it is gone.
func lockVLANForDelete(ctx context.Context, tx *database.Tx, id uuid.UUID) (VLAN, error) {
	return getVLAN(ctx, tx, vlanQuery("v.id = $2", "FOR UPDATE OF v"), id)
}

func getVLAN(ctx context.Context, tx *database.Tx, query string, id uuid.UUID) (VLAN, error) {
	var v VLAN
	err := tx.Get(ctx, &v, query, tx.TenantID(), id)
	if errs.Is(err, errs.KindNotFound) {
		return VLAN{}, errs.NotFound("VLAN")
	}
	return v, err
}

// vlanZoneSite checks the zone a VLAN is put into and returns its site
// (nil for a zone outside any site). It holds the zone (FOR KEY SHARE) so
// the zone cannot go before the VLAN is written.
func vlanZoneSite(ctx context.Context, tx *database.Tx, zoneID uuid.UUID) (*uuid.UUID, error) {
	var zone struct {
		SiteID *uuid.UUID `db:"site_id"`
	}
	err := tx.Get(ctx, &zone, `SELECT site_id FROM zones WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE`,
		tx.TenantID(), zoneID)
	if errs.Is(err, errs.KindNotFound) {
		return nil, errs.Invalid(errVLANZoneGone)
	}
	return zone.SiteID, err
}

// vlanAssetsOutside counts the assets in the VLAN whose site is not siteID.
func vlanAssetsOutside(ctx context.Context, tx *database.Tx, vlanID, siteID uuid.UUID) (int, error) {
	var n int
	err := tx.Get(ctx, &n, `SELECT count(*) FROM asset_vlans av
		JOIN assets a ON a.tenant_id = av.tenant_id AND a.id = av.asset_id
		WHERE av.tenant_id = $1 AND av.vlan_id = $2 AND a.site_id <> $3`, tx.TenantID(), vlanID, siteID)
	return n, err
}

func insertVLAN(ctx context.Context, tx *database.Tx, v VLAN) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.Get(ctx, &id, `INSERT INTO vlans (tenant_id, zone_id, number, name, cidr, gateway)
		VALUES ($1, $2, $3, $4, $5::cidr, $6::inet) RETURNING id`,
		tx.TenantID(), v.ZoneID, v.Number, v.Name, v.CIDR, v.Gateway)
	return id, vlanWriteError(err, v)
}

func updateVLAN(ctx context.Context, tx *database.Tx, v VLAN) error {
	_, err := tx.Exec(ctx, `UPDATE vlans SET zone_id = $3, number = $4, name = $5, cidr = $6::cidr, gateway = $7::inet,
			version = version + 1, updated_at = now()
		WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID(), v.ID, v.ZoneID, v.Number, v.Name, v.CIDR, v.Gateway)
	return vlanWriteError(err, v)
}

// vlanWriteError names the field a refused write is about: a number the
// zone already has, a zone deleted meanwhile, or (only if the checks above
// missed a case) a gateway the database finds outside the network.
func vlanWriteError(err error, v VLAN) error {
	var pgErr *pgconn.PgError
	switch {
	case hierConstraint(err) == "vlans_number":
		return errs.Invalid(vlanNumberTaken(v.Number, v.ZoneID))
	case hierConstraint(err) == "vlans_check":
		return errs.Invalid(errs.Field("gateway", "outside_cidr", "must be an address inside the VLAN's network"))
	case errors.As(err, &pgErr) && pgErr.Code == "23503":
		return errs.Invalid(errVLANZoneGone)
	}
	return err
}

func deleteVLAN(ctx context.Context, tx *database.Tx, id uuid.UUID) error {
	_, err := tx.Exec(ctx, `DELETE FROM vlans WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id)
	return hierDeleteError(err, "VLAN")
}
