package cmdb

import (
	"context"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// vendorQuery reads vendors with the number of assets they made: the
// vendors first (cond and tail: filter, order, limit, lock), then one
// grouped count over the page's ids in the same statement.
func vendorQuery(cond, tail string) string {
	return `WITH page AS (SELECT v.id, v.name, v.website, v.support_contact, v.advisory_url, v.cpe_vendor,
			v.version, v.created_at, v.updated_at
		FROM vendors v WHERE v.tenant_id = $1 AND ` + cond + ` ` + tail + `)
	SELECT page.*, coalesce(ac.assets, 0) AS asset_count
	FROM page
	LEFT JOIN (SELECT a.vendor_id, count(*) AS assets FROM assets a
		WHERE a.tenant_id = $1 AND a.vendor_id IN (SELECT id FROM page) GROUP BY a.vendor_id) ac ON ac.vendor_id = page.id
	ORDER BY lower(page.name), page.id`
}

func listVendors(ctx context.Context, tx *database.Tx, f VendorFilter, after vendorKey, limit int) ([]Vendor, error) {
	w := hierWhere{args: []any{tx.TenantID()}}
	w.add("(lower(v.name), v.id) > (lower(" + w.arg(after.Name) + "::text), " + w.arg(after.ID) + "::uuid)")
	if f.Query != "" {
		w.add("v.name ILIKE " + w.arg(hierLike(f.Query)))
	}
	vendors := []Vendor{}
	err := tx.Select(ctx, &vendors, vendorQuery(w.cond(), "ORDER BY lower(v.name), v.id LIMIT "+w.arg(limit)), w.args...)
	return vendors, err
}

func vendorByID(ctx context.Context, tx *database.Tx, id uuid.UUID) (Vendor, error) {
	return getVendor(ctx, tx, vendorQuery("v.id = $2", ""), id)
}

// lockVendorForUpdate holds the vendor's row while assets may still refer
// to it.
func lockVendorForUpdate(ctx context.Context, tx *database.Tx, id uuid.UUID) (Vendor, error) {
	return getVendor(ctx, tx, vendorQuery("v.id = $2", "FOR NO KEY UPDATE OF v"), id)
}

// lockVendorForDelete shuts out assets naming the vendor until it is gone.
func lockVendorForDelete(ctx context.Context, tx *database.Tx, id uuid.UUID) (Vendor, error) {
	return getVendor(ctx, tx, vendorQuery("v.id = $2", "FOR UPDATE OF v"), id)
}

func getVendor(ctx context.Context, tx *database.Tx, query string, id uuid.UUID) (Vendor, error) {
	var v Vendor
	err := tx.Get(ctx, &v, query, tx.TenantID(), id)
	if errs.Is(err, errs.KindNotFound) {
		return Vendor{}, errs.NotFound("vendor")
	}
	return v, err
}

func insertVendor(ctx context.Context, tx *database.Tx, v Vendor) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.Get(ctx, &id, `INSERT INTO vendors (tenant_id, name, website, support_contact, advisory_url, cpe_vendor)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		tx.TenantID(), v.Name, v.Website, v.SupportContact, v.AdvisoryURL, v.CPEVendor)
	return id, vendorWriteError(err)
}

func updateVendor(ctx context.Context, tx *database.Tx, v Vendor) error {
	_, err := tx.Exec(ctx, `UPDATE vendors SET name = $3, website = $4, support_contact = $5, advisory_url = $6,
			cpe_vendor = $7, version = version + 1, updated_at = now()
		WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID(), v.ID, v.Name, v.Website, v.SupportContact, v.AdvisoryURL, v.CPEVendor)
	return vendorWriteError(err)
}

func vendorWriteError(err error) error {
	if hierConstraint(err) == "vendors_name" {
		return errs.Invalid(errVendorNameTaken)
	}
	return err
}

func deleteVendor(ctx context.Context, tx *database.Tx, id uuid.UUID) error {
	_, err := tx.Exec(ctx, `DELETE FROM vendors WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id)
	return hierDeleteError(err, "vendor")
}
