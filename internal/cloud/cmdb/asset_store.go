package cmdb

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// assetColumns reads assets as assetRow; arrays come as JSON because
// database/sql cannot scan PostgreSQL arrays.
const assetColumns = `a.id, a.name, a.category, a.type, a.site_id, s.name AS site_name,
	to_json(a.ip_addresses) AS ips, to_json(a.mac_addresses) AS macs, a.hostname, a.vendor_id,
	coalesce(v.name, '') AS vendor_name, a.model, a.serial_number, a.firmware_version, a.os, to_json(a.cpe) AS cpes,
	a.criticality, a.lifecycle, a.owner, a.location_detail, to_json(a.tags) AS tag_list, a.notes, a.source,
	a.first_seen, a.last_seen, a.observed, a.version, a.created_at, a.updated_at`

const assetFrom = ` FROM assets a
	JOIN sites s ON s.tenant_id = a.tenant_id AND s.id = a.site_id
	LEFT JOIN vendors v ON v.tenant_id = a.tenant_id AND v.id = a.vendor_id`

type assetRow struct {
	ID              uuid.UUID                     `db:"id"`
	Name            string                        `db:"name"`
	Category        string                        `db:"category"`
	Type            string                        `db:"type"`
	SiteID          uuid.UUID                     `db:"site_id"`
	SiteName        string                        `db:"site_name"`
	IPs             database.JSON[[]string]       `db:"ips"`
	MACs            database.JSON[[]string]       `db:"macs"`
	Hostname        string                        `db:"hostname"`
	VendorID        *uuid.UUID                    `db:"vendor_id"`
	VendorName      string                        `db:"vendor_name"`
	Model           string                        `db:"model"`
	SerialNumber    string                        `db:"serial_number"`
	FirmwareVersion string                        `db:"firmware_version"`
	OS              string                        `db:"os"`
	CPEs            database.JSON[[]string]       `db:"cpes"`
	Criticality     string                        `db:"criticality"`
	Lifecycle       string                        `db:"lifecycle"`
	Owner           string                        `db:"owner"`
	LocationDetail  string                        `db:"location_detail"`
	TagList         database.JSON[[]string]       `db:"tag_list"`
	Notes           string                        `db:"notes"`
	Source          string                        `db:"source"`
	FirstSeen       *time.Time                    `db:"first_seen"`
	LastSeen        *time.Time                    `db:"last_seen"`
	Observed        database.JSON[map[string]any] `db:"observed"`
	Version         int                           `db:"version"`
	CreatedAt       time.Time                     `db:"created_at"`
	UpdatedAt       time.Time                     `db:"updated_at"`
	SortKey         database.JSON[any]            `db:"sort_key"` // the list's sort value, for its cursor
}

func (r assetRow) asset(vlanIDs []uuid.UUID) Asset {
	orEmpty := func(v []string) []string {
		if v == nil {
			return []string{}
		}
		return v
	}
	a := Asset{ID: r.ID, Name: r.Name, Category: r.Category, Type: r.Type, SiteID: r.SiteID, SiteName: r.SiteName,
		IPAddresses: orEmpty(r.IPs.V), MACAddresses: orEmpty(r.MACs.V), Hostname: r.Hostname, VendorID: r.VendorID,
		VendorName: r.VendorName, Model: r.Model, SerialNumber: r.SerialNumber, FirmwareVersion: r.FirmwareVersion,
		OS: r.OS, CPE: orEmpty(r.CPEs.V), Criticality: r.Criticality, Lifecycle: r.Lifecycle, Owner: r.Owner,
		LocationDetail: r.LocationDetail, Tags: orEmpty(r.TagList.V), Notes: r.Notes, Source: r.Source,
		FirstSeen: r.FirstSeen, LastSeen: r.LastSeen, Observed: r.Observed.V, Version: r.Version,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, VLANIDs: vlanIDs}
	if a.Observed == nil {
		a.Observed = map[string]any{}
	}
	if a.VLANIDs == nil {
		a.VLANIDs = []uuid.UUID{}
	}
	return a
}

// withVLANs fills in the VLANs of a page of assets with one query.
func withVLANs(ctx context.Context, tx *database.Tx, rows []assetRow) ([]Asset, error) {
	ids := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var links []struct {
		AssetID uuid.UUID `db:"asset_id"`
		VLANID  uuid.UUID `db:"vlan_id"`
	}
	if len(ids) > 0 {
		if err := tx.Select(ctx, &links, `SELECT av.asset_id, av.vlan_id FROM asset_vlans av
			JOIN vlans v ON v.tenant_id = av.tenant_id AND v.id = av.vlan_id
			WHERE av.tenant_id = $1 AND av.asset_id = ANY($2) ORDER BY av.asset_id, v.number, v.id`, tx.TenantID(), ids); err != nil {
			return nil, err
		}
	}
	byAsset := map[uuid.UUID][]uuid.UUID{}
	for _, l := range links {
		byAsset[l.AssetID] = append(byAsset[l.AssetID], l.VLANID)
	}
	out := make([]Asset, len(rows))
	for i, r := range rows {
		out[i] = r.asset(byAsset[r.ID])
	}
	return out, nil
}

// assetByID reads one asset; lock takes a row lock for an update.
func assetByID(ctx context.Context, tx *database.Tx, id uuid.UUID, lock bool) (Asset, error) {
	q := `SELECT ` + assetColumns + `, NULL AS sort_key` + assetFrom + ` WHERE a.tenant_id = $1 AND a.id = $2`
	if lock {
		q += ` FOR UPDATE OF a`
	}
	var row assetRow
	if err := tx.Get(ctx, &row, q, tx.TenantID(), id); err != nil {
		if errs.Is(err, errs.KindNotFound) {
			return Asset{}, errs.NotFound("asset")
		}
		return Asset{}, err
	}
	assets, err := withVLANs(ctx, tx, []assetRow{row})
	if err != nil {
		return Asset{}, err
	}
	return assets[0], nil
}

// insertAsset writes a new asset and its VLANs; in is normalised.
func insertAsset(ctx context.Context, tx *database.Tx, in AssetInput, source string) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.Get(ctx, &id, `INSERT INTO assets (tenant_id, site_id, name, category, type, ip_addresses, mac_addresses,
			hostname, vendor_id, model, serial_number, firmware_version, os, cpe, criticality, lifecycle, owner,
			location_detail, tags, notes, source, search_text)
		VALUES ($1, $2, $3, $4, $5, $6::inet[], $7::macaddr[], $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
		RETURNING id`,
		tx.TenantID(), in.SiteID, in.Name, in.Category, in.Type, in.IPAddresses, in.MACAddresses, in.Hostname,
		in.VendorID, in.Model, in.SerialNumber, in.FirmwareVersion, in.OS, in.CPE, in.Criticality, in.Lifecycle,
		in.Owner, in.LocationDetail, in.Tags, in.Notes, source, assetSearchText(in))
	if err != nil {
		return uuid.Nil, assetWriteError(err)
	}
	return id, setAssetVLANs(ctx, tx, id, in.VLANIDs)
}

// updateAsset overwrites the editable fields of an asset and bumps its
// version; in is normalised.
func updateAsset(ctx context.Context, tx *database.Tx, id uuid.UUID, in AssetInput) error {
	_, err := tx.Exec(ctx, `UPDATE assets SET site_id = $3, name = $4, category = $5, type = $6,
			ip_addresses = $7::inet[], mac_addresses = $8::macaddr[], hostname = $9, vendor_id = $10, model = $11,
			serial_number = $12, firmware_version = $13, os = $14, cpe = $15, criticality = $16, lifecycle = $17,
			owner = $18, location_detail = $19, tags = $20, notes = $21, search_text = $22,
			version = version + 1, updated_at = now()
		WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID(), id, in.SiteID, in.Name, in.Category, in.Type, in.IPAddresses, in.MACAddresses, in.Hostname,
		in.VendorID, in.Model, in.SerialNumber, in.FirmwareVersion, in.OS, in.CPE, in.Criticality, in.Lifecycle,
		in.Owner, in.LocationDetail, in.Tags, in.Notes, assetSearchText(in))
	if err != nil {
		return assetWriteError(err)
	}
	return setAssetVLANs(ctx, tx, id, in.VLANIDs)
}

// setAssetVLANs makes the asset's VLANs exactly ids.
func setAssetVLANs(ctx context.Context, tx *database.Tx, id uuid.UUID, ids []uuid.UUID) error {
	if _, err := tx.Exec(ctx, `DELETE FROM asset_vlans WHERE tenant_id = $1 AND asset_id = $2 AND NOT (vlan_id = ANY($3))`,
		tx.TenantID(), id, ids); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO asset_vlans (tenant_id, asset_id, vlan_id)
		SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`, tx.TenantID(), id, ids)
	return err
}

// assetWriteError names the field a database refusal is about; the name
// is the only unique value a person sets.
func assetWriteError(err error) error {
	if errs.Is(err, errs.KindConflict) {
		return errAssetNameTaken
	}
	return err
}

var errAssetNameTaken = errs.Invalid(errs.Field("name", "taken", "another asset of this site has this name"))

func deleteAsset(ctx context.Context, tx *database.Tx, id uuid.UUID) error {
	return tx.ExecOne(ctx, "asset", `DELETE FROM assets WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id)
}

// countManagedAssets counts the assets the licence's max_assets limits:
// every asset except discovered devices nobody has reviewed.
func countManagedAssets(ctx context.Context, tx *database.Tx) (int, error) {
	var n int
	err := tx.Get(ctx, &n, `SELECT count(*) FROM assets WHERE tenant_id = $1 AND lifecycle <> 'discovered'`, tx.TenantID())
	return n, err
}
