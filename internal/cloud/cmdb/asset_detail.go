package cmdb

import (
	"context"
	"reflect"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
)

// AssetDetail is an asset with everything around it: where it sits, its
// relationships both ways, CPE suggestions while it has no CPE, and the
// panels other modules add (diagrams, drift, incidents ...).
type AssetDetail struct {
	Asset
	VLANs          []AssetVLAN     `json:"vlans"`
	Relationships  []Relationship  `json:"relationships"`
	CPESuggestions []CPESuggestion `json:"cpe_suggestions"`
	Panels         map[string]any  `json:"panels" doc:"keyed by panel name (diagrams, drift ...); each module documents its own"`
}

// AssetVLAN is a VLAN of an asset with its zone.
type AssetVLAN struct {
	ID       uuid.UUID `db:"id" json:"id"`
	Number   int       `db:"number" json:"number"`
	Name     string    `db:"name" json:"name"`
	ZoneID   uuid.UUID `db:"zone_id" json:"zone_id" doc:"the nil UUID when the VLAN has no zone"`
	ZoneName string    `db:"zone_name" json:"zone_name"`
	CIDR     string    `db:"cidr" json:"cidr"`
}

// AssetPanel is a module's part of the asset detail. Load runs in the
// detail's tenant transaction; a nil or empty result leaves the panel out.
type AssetPanel interface {
	PanelName() string
	LoadPanel(ctx context.Context, tx *database.Tx, assetID uuid.UUID) (any, error)
}

// AddAssetPanel adds a module's panel to every asset detail. Called while
// the API is wired, before it serves.
func (s *Service) AddAssetPanel(p AssetPanel) { s.panels = append(s.panels, p) }

// AssetDetail reads an asset with its surroundings in one transaction.
func (s *Service) AssetDetail(ctx context.Context, id uuid.UUID) (AssetDetail, error) {
	var d AssetDetail
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		var err error
		if d.Asset, err = assetByID(ctx, tx, id, false); err != nil {
			return err
		}
		if err = tx.Select(ctx, &d.VLANs, `
			SELECT v.id, v.number, v.name, coalesce(v.zone_id, '00000000-0000-0000-0000-000000000000') AS zone_id,
			       coalesce(z.name, '') AS zone_name, coalesce(v.cidr::text, '') AS cidr
			FROM asset_vlans av
			JOIN vlans v ON v.tenant_id = av.tenant_id AND v.id = av.vlan_id
			LEFT JOIN zones z ON z.tenant_id = v.tenant_id AND z.id = v.zone_id
			WHERE av.tenant_id = $1 AND av.asset_id = $2 ORDER BY v.number`, tx.TenantID(), id); err != nil {
			return err
		}
		if d.Relationships, err = relationshipsOf(ctx, tx, id); err != nil {
			return err
		}
		d.CPESuggestions = []CPESuggestion{}
		if len(d.CPE) == 0 && d.VendorID != nil {
			if d.CPESuggestions, err = s.suggestCPEsIn(ctx, tx, *d.VendorID, d.Model, d.FirmwareVersion, d.OS); err != nil {
				return err
			}
		}
		d.Panels = map[string]any{}
		for _, p := range s.panels {
			v, err := p.LoadPanel(ctx, tx, id)
			if err != nil {
				return err
			}
			if !isEmpty(v) {
				d.Panels[p.PanelName()] = v
			}
		}
		return nil
	})
	if d.VLANs == nil {
		d.VLANs = []AssetVLAN{}
	}
	return d, err
}

func isEmpty(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Slice, reflect.Map:
		return r.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return r.IsNil()
	}
	return false
}

// SuggestCPEs proposes CPE names for a vendor (optional), model, firmware
// and OS.
func (s *Service) SuggestCPEs(ctx context.Context, vendorID uuid.UUID, model, firmware, os string) ([]CPESuggestion, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]CPESuggestion, error) {
		return s.suggestCPEsIn(ctx, tx, vendorID, model, firmware, os)
	})
}

func (s *Service) suggestCPEsIn(ctx context.Context, tx *database.Tx, vendorID uuid.UUID, model, firmware, os string) ([]CPESuggestion, error) {
	cpeVendor := ""
	if vendorID != uuid.Nil {
		err := tx.Get(ctx, &cpeVendor, `SELECT CASE WHEN cpe_vendor <> '' THEN cpe_vendor ELSE name END
			FROM vendors WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), vendorID)
		if err != nil {
			return nil, err // an unknown vendor is a 404
		}
	}
	out := suggestCPEs(cpeVendor, model, firmware, os)
	if out == nil {
		out = []CPESuggestion{}
	}
	return out, nil
}

// vlanNames maps every VLAN of the tenant to its placement, for the
// site/zone/number names of the CSV export.
func (s *Service) vlanNames(ctx context.Context) (map[uuid.UUID]vlanPlacement, error) {
	var out map[uuid.UUID]vlanPlacement
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		refs, err := loadAssetRefs(ctx, tx, nil, true)
		out = refs.vlans
		return err
	})
	return out, err
}
