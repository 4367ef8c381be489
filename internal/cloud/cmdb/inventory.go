package cmdb

import (
	"context"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/diagrams"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// The CMDB is the diagrams' inventory (diagrams.Inventory): it answers in
// the caller's tenant transaction, so a diagram and the records it draws
// are read consistently. Nothing here writes.
var _ diagrams.Inventory = (*Service)(nil)

// inventoryTables maps a node kind to the table of its records.
var inventoryTables = map[diagrams.Kind]string{
	diagrams.KindSite:  "sites",
	diagrams.KindZone:  "zones",
	diagrams.KindVLAN:  "vlans",
	diagrams.KindAsset: "assets",
}

// InventoryExisting returns those of refs whose record exists in the
// transaction's tenant, with one query per kind named.
func (s *Service) InventoryExisting(ctx context.Context, tx *database.Tx, refs []diagrams.RecordRef) ([]diagrams.RecordRef, error) {
	byKind := map[diagrams.Kind][]uuid.UUID{}
	for _, r := range refs {
		if _, ok := inventoryTables[r.Kind]; ok {
			byKind[r.Kind] = append(byKind[r.Kind], r.ID)
		}
	}
	var out []diagrams.RecordRef
	for _, kind := range []diagrams.Kind{diagrams.KindSite, diagrams.KindZone, diagrams.KindVLAN, diagrams.KindAsset} {
		ids := byKind[kind]
		if len(ids) == 0 {
			continue
		}
		var found []uuid.UUID
		// The table name comes from inventoryTables, never from input.
		if err := tx.Select(ctx, &found, `SELECT id FROM `+inventoryTables[kind]+`
			WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, tx.TenantID(), ids); err != nil {
			return nil, err
		}
		for _, id := range found {
			out = append(out, diagrams.RecordRef{Kind: kind, ID: id})
		}
	}
	return out, nil
}

type inventoryVLANRow struct {
	ID     uuid.UUID  `db:"id"`
	ZoneID *uuid.UUID `db:"zone_id"`
	Number int        `db:"number"`
	Name   string     `db:"name"`
}

type inventoryAssetRow struct {
	ID       uuid.UUID                  `db:"id"`
	Name     string                     `db:"name"`
	Category string                     `db:"category"`
	Type     string                     `db:"type"`
	VLANIDs  database.JSON[[]uuid.UUID] `db:"vlan_ids"`
}

// InventoryHierarchy loads a site, its zones, the VLANs of those zones and
// every VLAN its assets sit in (a VLAN may have no zone, or a zone of no
// site), and its planned and active assets with their VLAN ids; discovered
// devices awaiting review and decommissioned assets are left out. Each list
// holds at most limit rows; Truncated says one had more.
func (s *Service) InventoryHierarchy(ctx context.Context, tx *database.Tx, siteID uuid.UUID, limit int) (diagrams.Hierarchy, error) {
	var h diagrams.Hierarchy
	err := tx.Get(ctx, &h.Site.Name, `SELECT name FROM sites WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), siteID)
	if errs.Is(err, errs.KindNotFound) {
		return h, errs.NotFound("site")
	}
	if err != nil {
		return h, err
	}
	h.Site.ID = siteID

	var zones []struct {
		ID          uuid.UUID `db:"id"`
		Name        string    `db:"name"`
		PurdueLevel string    `db:"purdue_level"`
	}
	if err := tx.Select(ctx, &zones, `SELECT id, name, purdue_level FROM zones
		WHERE tenant_id = $1 AND site_id = $2 ORDER BY lower(name), id LIMIT $3`, tx.TenantID(), siteID, limit+1); err != nil {
		return h, err
	}
	for _, z := range zones {
		h.Zones = append(h.Zones, diagrams.HierarchyZone{ID: z.ID, Name: z.Name, PurdueLevel: z.PurdueLevel})
	}

	var vlans []inventoryVLANRow
	if err := tx.Select(ctx, &vlans, `SELECT v.id, v.zone_id, v.number, v.name FROM vlans v
		WHERE v.tenant_id = $1 AND (
			v.zone_id IN (SELECT z.id FROM zones z WHERE z.tenant_id = $1 AND z.site_id = $2)
			OR v.id IN (SELECT av.vlan_id FROM asset_vlans av
				JOIN assets a ON a.tenant_id = av.tenant_id AND a.id = av.asset_id
				WHERE av.tenant_id = $1 AND a.site_id = $2 AND a.lifecycle IN ('planned', 'active')))
		ORDER BY v.number, v.id LIMIT $3`, tx.TenantID(), siteID, limit+1); err != nil {
		return h, err
	}
	for _, v := range vlans {
		h.VLANs = append(h.VLANs, diagrams.HierarchyVLAN{ID: v.ID, ZoneID: v.ZoneID, Number: v.Number, Name: v.Name})
	}

	var assets []inventoryAssetRow
	if err := tx.Select(ctx, &assets, `SELECT a.id, a.name, a.category, a.type,
			coalesce((SELECT json_agg(av.vlan_id ORDER BY av.vlan_id) FROM asset_vlans av
				WHERE av.tenant_id = a.tenant_id AND av.asset_id = a.id), '[]'::json) AS vlan_ids
		FROM assets a
		WHERE a.tenant_id = $1 AND a.site_id = $2 AND a.lifecycle IN ('planned', 'active')
		ORDER BY lower(a.name), a.id LIMIT $3`, tx.TenantID(), siteID, limit+1); err != nil {
		return h, err
	}
	for _, a := range assets {
		h.Assets = append(h.Assets, diagrams.HierarchyAsset{ID: a.ID, Name: a.Name, Category: a.Category, Type: a.Type, VLANIDs: a.VLANIDs.V})
	}

	if len(h.Zones) > limit || len(h.VLANs) > limit || len(h.Assets) > limit {
		h.Truncated = true
		h.Zones, h.VLANs, h.Assets = h.Zones[:min(len(h.Zones), limit)], h.VLANs[:min(len(h.VLANs), limit)], h.Assets[:min(len(h.Assets), limit)]
	}
	return h, nil
}
