package cmdb

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// vlanPlacement is where a VLAN sits: its number and, through its zone,
// its site (Nil when the zone has no site or the VLAN no zone).
type vlanPlacement struct {
	ID       uuid.UUID `db:"id"`
	Number   int       `db:"number"`
	ZoneName string    `db:"zone_name"`
	SiteID   uuid.UUID `db:"site_id"`
	SiteName string    `db:"site_name"`
}

// assetRefs are the sites, VLANs and vendors assets may point at, loaded
// once for a check of one asset or of a whole import file.
type assetRefs struct {
	sites   map[uuid.UUID]string // id → name
	vlans   map[uuid.UUID]vlanPlacement
	vendors map[uuid.UUID]string
}

// loadAssetRefs loads the records named by ins (all of them when all).
func loadAssetRefs(ctx context.Context, tx *database.Tx, ins []AssetInput, all bool) (assetRefs, error) {
	var siteIDs, vlanIDs, vendorIDs []uuid.UUID
	for _, in := range ins {
		siteIDs = append(siteIDs, in.SiteID)
		vlanIDs = append(vlanIDs, in.VLANIDs...)
		if in.VendorID != nil {
			vendorIDs = append(vendorIDs, *in.VendorID)
		}
	}
	refs := assetRefs{sites: map[uuid.UUID]string{}, vlans: map[uuid.UUID]vlanPlacement{}, vendors: map[uuid.UUID]string{}}
	var named []struct {
		ID   uuid.UUID `db:"id"`
		Name string    `db:"name"`
	}
	if err := tx.Select(ctx, &named, `SELECT id, name FROM sites WHERE tenant_id = $1 AND ($2 OR id = ANY($3))`,
		tx.TenantID(), all, siteIDs); err != nil {
		return refs, err
	}
	for _, s := range named {
		refs.sites[s.ID] = s.Name
	}
	named = nil
	if err := tx.Select(ctx, &named, `SELECT id, name FROM vendors WHERE tenant_id = $1 AND ($2 OR id = ANY($3))`,
		tx.TenantID(), all, vendorIDs); err != nil {
		return refs, err
	}
	for _, v := range named {
		refs.vendors[v.ID] = v.Name
	}
	var vlans []vlanPlacement
	if err := tx.Select(ctx, &vlans, `
		SELECT v.id, v.number, coalesce(z.name, '') AS zone_name,
		       coalesce(z.site_id, '00000000-0000-0000-0000-000000000000') AS site_id, coalesce(s.name, '') AS site_name
		FROM vlans v
		LEFT JOIN zones z ON z.tenant_id = v.tenant_id AND z.id = v.zone_id
		LEFT JOIN sites s ON s.tenant_id = z.tenant_id AND s.id = z.site_id
		WHERE v.tenant_id = $1 AND ($2 OR v.id = ANY($3))`, tx.TenantID(), all, vlanIDs); err != nil {
		return refs, err
	}
	for _, v := range vlans {
		refs.vlans[v.ID] = v
	}
	return refs, nil
}

// check reports the references of in that do not exist, and VLANs whose
// zone lies in another site than the asset (spec 30: each VLAN's zone,
// when it has a site, must be the asset's site).
func (r assetRefs) check(in AssetInput) []errs.FieldError {
	var c checker
	if in.SiteID != uuid.Nil {
		if _, ok := r.sites[in.SiteID]; !ok {
			c.Add("site_id", "unknown", "no such site")
		}
	}
	if in.VendorID != nil {
		if _, ok := r.vendors[*in.VendorID]; !ok {
			c.Add("vendor_id", "unknown", "no such vendor")
		}
	}
	for i, id := range in.VLANIDs {
		field := fmt.Sprintf("vlan_ids[%d]", i)
		v, ok := r.vlans[id]
		switch {
		case !ok:
			c.Add(field, "unknown", "no such VLAN")
		case v.SiteID != uuid.Nil && v.SiteID != in.SiteID:
			c.Add(field, "other_site", fmt.Sprintf("VLAN %d (zone %s) belongs to site %s, not to the asset's site", v.Number, v.ZoneName, v.SiteName))
		}
	}
	return c.Fields
}

// lockVLANPlacements share-locks VLANs and their zones until the
// transaction ends: a concurrent move of a zone or VLAN to another site
// (which takes a row lock and checks the assets it carries) then waits for
// the asset writes that rely on where those VLANs are, so the site rule
// holds under concurrency too. Call it before loading the placements.
func lockVLANPlacements(ctx context.Context, tx *database.Tx, vlanIDs []uuid.UUID) error {
	if len(vlanIDs) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM vlans WHERE tenant_id = $1 AND id = ANY($2) ORDER BY id FOR SHARE`,
		tx.TenantID(), vlanIDs); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `SELECT 1 FROM zones z WHERE z.tenant_id = $1 AND z.id IN (
			SELECT v.zone_id FROM vlans v WHERE v.tenant_id = $1 AND v.id = ANY($2))
		ORDER BY z.id FOR SHARE`, tx.TenantID(), vlanIDs)
	return err
}
