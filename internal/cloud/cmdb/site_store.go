package cmdb

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// siteColumns are the sites columns a Site is read from.
const siteColumns = `s.id, s.name, s.code, s.description, s.location, s.latitude, s.longitude,
	s.timezone, s.status, s.contact, s.version, s.created_at, s.updated_at`

// siteQuery reads sites with their counts. The sites are selected first
// (cond and tail: filter, order, limit, lock); the counts of the whole page
// then come from one grouped join over the page's ids, in the same
// statement, so a page costs one query however many sites it holds.
// Edge devices count while registered (deregistered ones are history).
func siteQuery(cond, tail string) string {
	return `WITH page AS (SELECT ` + siteColumns + ` FROM sites s WHERE s.tenant_id = $1 AND ` + cond + ` ` + tail + `)
	SELECT page.*, coalesce(zc.zones, 0) AS zone_count, coalesce(zc.vlans, 0) AS vlan_count,
		coalesce(ac.assets, 0) AS asset_count, coalesce(dc.devices, 0) AS edge_device_count
	FROM page
	LEFT JOIN (SELECT z.site_id, count(DISTINCT z.id) AS zones, count(v.id) AS vlans
		FROM zones z LEFT JOIN vlans v ON v.tenant_id = z.tenant_id AND v.zone_id = z.id
		WHERE z.tenant_id = $1 AND z.site_id IN (SELECT id FROM page) GROUP BY z.site_id) zc ON zc.site_id = page.id
	LEFT JOIN (SELECT a.site_id, count(*) AS assets FROM assets a
		WHERE a.tenant_id = $1 AND a.site_id IN (SELECT id FROM page) GROUP BY a.site_id) ac ON ac.site_id = page.id
	LEFT JOIN (SELECT d.site_id, count(*) AS devices FROM edge_devices d
		WHERE d.tenant_id = $1 AND d.site_id IN (SELECT id FROM page) AND d.deregistered_at IS NULL GROUP BY d.site_id) dc ON dc.site_id = page.id
	ORDER BY lower(page.name), page.id`
}

type siteRow struct {
	Site
	ZoneCount       int `db:"zone_count"`
	VLANCount       int `db:"vlan_count"`
	AssetCount      int `db:"asset_count"`
	EdgeDeviceCount int `db:"edge_device_count"`
}

func (r siteRow) site() Site {
	s := r.Site
	s.Counts = SiteCounts{Zones: r.ZoneCount, VLANs: r.VLANCount, Assets: r.AssetCount, EdgeDevices: r.EdgeDeviceCount}
	return s
}

func listSites(ctx context.Context, tx *database.Tx, f SiteFilter, after siteKey, limit int) ([]Site, error) {
	w := hierWhere{args: []any{tx.TenantID()}}
	w.add("(lower(s.name), s.id) > (lower(" + w.arg(after.Name) + "::text), " + w.arg(after.ID) + "::uuid)")
	if f.Status != "" {
		w.add("s.status = " + w.arg(f.Status))
	}
	if f.Query != "" {
		q := w.arg(hierLike(f.Query))
		w.add("(s.name ILIKE " + q + " OR s.code ILIKE " + q + ")")
	}
	var rows []siteRow
	err := tx.Select(ctx, &rows, siteQuery(w.cond(), "ORDER BY lower(s.name), s.id LIMIT "+w.arg(limit)), w.args...)
	if err != nil {
		return nil, err
	}
	out := make([]Site, len(rows))
	for i, r := range rows {
		out[i] = r.site()
	}
	return out, nil
}

func siteByID(ctx context.Context, tx *database.Tx, id uuid.UUID) (Site, error) {
	return getSite(ctx, tx, siteQuery("s.id = $2", ""), id)
}

// lockSiteForUpdate reads a site and holds its row until the transaction
// ends. FOR NO KEY UPDATE lets assets and zones keep referring to the site
// meanwhile; only a deletion (lockSiteForDelete) shuts them out.
func lockSiteForUpdate(ctx context.Context, tx *database.Tx, id uuid.UUID) (Site, error) {
	return getSite(ctx, tx, siteQuery("s.id = $2", "FOR NO KEY UPDATE OF s"), id)
}

// lockSiteForDelete reads a site and locks it against new references: an
// asset, zone or diagram being added to it waits, then fails.
func lockSiteForDelete(ctx context.Context, tx *database.Tx, id uuid.UUID) (Site, error) {
	return getSite(ctx, tx, siteQuery("s.id = $2", "FOR UPDATE OF s"), id)
}

func getSite(ctx context.Context, tx *database.Tx, query string, id uuid.UUID) (Site, error) {
	var r siteRow
	err := tx.Get(ctx, &r, query, tx.TenantID(), id)
	if errs.Is(err, errs.KindNotFound) {
		return Site{}, errs.NotFound("site")
	}
	return r.site(), err
}

// siteNameOrCodeTaken names the unique fields another site of the tenant
// already uses, so the caller hears about both at once.
func siteNameOrCodeTaken(ctx context.Context, tx *database.Tx, s Site) ([]errs.FieldError, error) {
	var taken struct {
		Name bool `db:"name_taken"`
		Code bool `db:"code_taken"`
	}
	err := tx.Get(ctx, &taken, `SELECT
			coalesce(bool_or(lower(name) = lower($3::text)), false) AS name_taken,
			coalesce(bool_or($4::text <> '' AND lower(code) = lower($4::text)), false) AS code_taken
		FROM sites WHERE tenant_id = $1 AND id <> $2
			AND (lower(name) = lower($3::text) OR ($4::text <> '' AND lower(code) = lower($4::text)))`,
		tx.TenantID(), s.ID, s.Name, s.Code)
	if err != nil {
		return nil, err
	}
	var fields []errs.FieldError
	if taken.Name {
		fields = append(fields, errSiteNameTaken)
	}
	if taken.Code {
		fields = append(fields, errSiteCodeTaken)
	}
	return fields, nil
}

func insertSite(ctx context.Context, tx *database.Tx, s Site) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.Get(ctx, &id, `INSERT INTO sites (tenant_id, name, code, description, location, latitude, longitude,
			timezone, status, contact)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		tx.TenantID(), s.Name, s.Code, s.Description, s.Location, s.Latitude, s.Longitude, s.Timezone, s.Status, s.Contact)
	return id, siteWriteError(err)
}

func updateSite(ctx context.Context, tx *database.Tx, s Site) error {
	_, err := tx.Exec(ctx, `UPDATE sites SET name = $3, code = $4, description = $5, location = $6, latitude = $7,
			longitude = $8, timezone = $9, status = $10, contact = $11, version = version + 1, updated_at = now()
		WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID(), s.ID, s.Name, s.Code, s.Description, s.Location, s.Latitude, s.Longitude, s.Timezone, s.Status, s.Contact)
	return siteWriteError(err)
}

// siteWriteError turns a unique violation that slipped past the check
// (a concurrent writer) into the field it is about.
func siteWriteError(err error) error {
	switch hierConstraint(err) {
	case "sites_name":
		return errs.Invalid(errSiteNameTaken)
	case "sites_code":
		return errs.Invalid(errSiteCodeTaken)
	}
	return err
}

// siteBlockers counts what keeps a site from being deleted: its assets
// (and any asset sitting in one of its VLANs, which the VLANs' cascade
// would otherwise trip over) and its diagrams.
func siteBlockers(ctx context.Context, tx *database.Tx, id uuid.UUID) (assets, diagrams int, err error) {
	var n struct {
		Assets   int `db:"assets"`
		Diagrams int `db:"diagrams"`
	}
	err = tx.Get(ctx, &n, `SELECT
		(SELECT count(*) FROM (
			SELECT a.id FROM assets a WHERE a.tenant_id = $1 AND a.site_id = $2
			UNION
			SELECT av.asset_id FROM asset_vlans av
				JOIN vlans v ON v.tenant_id = av.tenant_id AND v.id = av.vlan_id
				JOIN zones z ON z.tenant_id = v.tenant_id AND z.id = v.zone_id
			WHERE av.tenant_id = $1 AND z.site_id = $2) x) AS assets,
		(SELECT count(*) FROM diagrams d WHERE d.tenant_id = $1 AND d.site_id = $2) AS diagrams`,
		tx.TenantID(), id)
	return n.Assets, n.Diagrams, err
}

func deleteSite(ctx context.Context, tx *database.Tx, id uuid.UUID) error {
	_, err := tx.Exec(ctx, `DELETE FROM sites WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id)
	return hierDeleteError(err, "site")
}

// hierDeleteError answers a foreign key that still points at a deleted
// record (one the blocker count did not know about, or that arrived
// concurrently) with 409 has_dependants instead of a validation error.
func hierDeleteError(err error, what string) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return errs.Wrap(errs.KindConflict, "The "+what+" cannot be deleted: other records still refer to it.", err).
			WithCode("has_dependants")
	}
	return err
}

// hierConstraint is the name of the constraint a database error violated,
// or "" (the database layer keeps the driver error as the cause).
func hierConstraint(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.ConstraintName
	}
	return ""
}

// hierLike makes a case-insensitive "contains" pattern of q, with LIKE's
// wildcards in q matched literally.
func hierLike(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(q) + "%"
}

// hierWhere collects the conditions of a list query and their arguments;
// $1 is always the tenant.
type hierWhere struct {
	conds []string
	args  []any
}

func (w *hierWhere) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *hierWhere) add(cond string) { w.conds = append(w.conds, cond) }

func (w *hierWhere) cond() string {
	if len(w.conds) == 0 {
		return "true"
	}
	return strings.Join(w.conds, " AND ")
}
