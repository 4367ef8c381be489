package cmdb

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// discoveryLock serialises discovery work in a tenant (reconciliation and
// the review actions), so two batches seeing one new device cannot both
// create it and an ignore cannot race a sighting.
func discoveryLock(ctx context.Context, tx *database.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('cmdb.discovery:' || $1::text, 0))`, tx.TenantID())
	return err
}

func discoverySiteExists(ctx context.Context, tx *database.Tx, siteID uuid.UUID) error {
	var ok bool
	if err := tx.Get(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM sites WHERE tenant_id = $1 AND id = $2)`, tx.TenantID(), siteID); err != nil {
		return err
	}
	if !ok {
		return errs.NotFound("site")
	}
	return nil
}

// discoveryIgnoredSet is which of a batch's addresses are ignored: MACs
// anywhere in the tenant, IPs (of devices without a MAC) in the site.
type discoveryIgnoredSet struct {
	macs map[string]bool
	ips  map[string]bool
}

func discoveryLoadIgnored(ctx context.Context, tx *database.Tx, siteID uuid.UUID, macs, ips []string) (discoveryIgnoredSet, error) {
	set := discoveryIgnoredSet{macs: map[string]bool{}, ips: map[string]bool{}}
	if len(macs) > 0 {
		var found []string
		if err := tx.Select(ctx, &found, `SELECT mac::text FROM discovery_ignores
			WHERE tenant_id = $1 AND mac = ANY($2::macaddr[])`, tx.TenantID(), macs); err != nil {
			return set, err
		}
		for _, m := range found {
			set.macs[m] = true
		}
	}
	if len(ips) > 0 {
		var found []string
		if err := tx.Select(ctx, &found, `SELECT host(ip) FROM discovery_ignores
			WHERE tenant_id = $1 AND site_id = $2 AND mac IS NULL AND ip = ANY($3::inet[])`, tx.TenantID(), siteID, ips); err != nil {
			return set, err
		}
		for _, ip := range found {
			if c, err := canonicalIP(ip); err == nil {
				set.ips[c] = true
			}
		}
	}
	return set, nil
}

// discoveryTarget is what reconciliation reads (and locks) of an asset a
// batch may match, and the batch's state of it: sightings are applied in
// memory and written once at the end (discoveryFlushSeen).
type discoveryTarget struct {
	ID              uuid.UUID                     `db:"id"`
	SiteID          uuid.UUID                     `db:"site_id"`
	Lifecycle       string                        `db:"lifecycle"`
	Hostname        string                        `db:"hostname"`
	Model           string                        `db:"model"`
	SerialNumber    string                        `db:"serial_number"`
	FirmwareVersion string                        `db:"firmware_version"`
	Observed        database.JSON[map[string]any] `db:"observed"`
	LastSeen        *time.Time                    `db:"last_seen"`
	IPs             database.JSON[[]string]       `db:"ips"`
	MACs            database.JSON[[]string]       `db:"macs"`
	HasVendor       bool                          `db:"has_vendor"`
	CreatedAt       time.Time                     `db:"created_at"`

	// seen is set once the batch saw the asset: the earliest and latest
	// sighting times of this batch.
	seen            bool
	firstAt, lastAt time.Time
}

// intended is the target's recorded value of each compared field.
func (t *discoveryTarget) intended() map[string]string {
	return map[string]string{"firmware_version": t.FirmwareVersion, "model": t.Model,
		"serial_number": t.SerialNumber, "hostname": t.Hostname}
}

// sighted records a sighting time.
func (t *discoveryTarget) sighted(at time.Time) {
	if !t.seen || at.Before(t.firstAt) {
		t.firstAt = at
	}
	if !t.seen || at.After(t.lastAt) {
		t.lastAt = at
	}
	t.seen = true
	if t.LastSeen == nil || at.After(*t.LastSeen) {
		t.LastSeen = &at
	}
}

// discoveryLoadTargets reads and locks every asset a batch could match:
// those with one of its MACs (anywhere in the tenant) and the site's with
// one of its IPs, found through the address indexes by
// cmdb_assets_by_address (row-level security keeps PostgreSQL from using
// them for && directly; migrations/cloud/00007).
func discoveryLoadTargets(ctx context.Context, tx *database.Tx, siteID uuid.UUID, macs, ips []string) ([]*discoveryTarget, error) {
	var rows []*discoveryTarget
	err := tx.Select(ctx, &rows, `SELECT id, site_id, lifecycle, hostname, model, serial_number, firmware_version, observed,
			last_seen, to_json(ip_addresses) AS ips, to_json(mac_addresses) AS macs, vendor_id IS NOT NULL AS has_vendor, created_at
		FROM assets
		WHERE tenant_id = $1 AND id IN (SELECT cmdb_assets_by_address($3, $2::macaddr[], $4::inet[]))
		ORDER BY id FOR UPDATE`, tx.TenantID(), macs, siteID, ips)
	return rows, err
}

// discoveryFlushSeen writes the sightings of a batch: each asset's
// observed set, first_seen moved back and last_seen forward. It is not an
// edit: version and updated_at stay.
func discoveryFlushSeen(ctx context.Context, tx *database.Tx, targets []*discoveryTarget) error {
	var (
		ids          []uuid.UUID
		observed     []string
		first, lasts []time.Time
	)
	for _, t := range targets {
		if !t.seen {
			continue
		}
		raw, err := json.Marshal(t.Observed.V)
		if err != nil {
			return err
		}
		ids, observed = append(ids, t.ID), append(observed, string(raw))
		first, lasts = append(first, t.firstAt), append(lasts, t.lastAt)
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE assets a SET observed = u.observed,
			first_seen = least(a.first_seen, u.first_at), last_seen = greatest(a.last_seen, u.last_at)
		FROM unnest($2::uuid[], $3::text[]::jsonb[], $4::timestamptz[], $5::timestamptz[]) AS u (id, observed, first_at, last_at)
		WHERE a.tenant_id = $1 AND a.id = u.id`, tx.TenantID(), ids, observed, first, lasts)
	return err
}

// discoveryObservationRow is one entry of an asset's observation history.
type discoveryObservationRow struct {
	assetID uuid.UUID
	at      time.Time
	attrs   map[string]any
}

// discoveryInsertObservations appends to the assets' timelines of what
// discovery saw.
func discoveryInsertObservations(ctx context.Context, tx *database.Tx, deviceID uuid.UUID, rows []discoveryObservationRow) error {
	if len(rows) == 0 {
		return nil
	}
	ids, ats, attrs := make([]uuid.UUID, len(rows)), make([]time.Time, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		raw, err := json.Marshal(r.attrs)
		if err != nil {
			return err
		}
		ids[i], ats[i], attrs[i] = r.assetID, r.at, string(raw)
	}
	var device *uuid.UUID
	if deviceID != uuid.Nil {
		device = &deviceID
	}
	_, err := tx.Exec(ctx, `INSERT INTO asset_observations (tenant_id, asset_id, observed_at, device_id, attributes)
		SELECT $1, u.asset_id, u.observed_at, $2, u.attributes
		FROM unnest($3::uuid[], $4::timestamptz[], $5::text[]::jsonb[]) AS u (asset_id, observed_at, attributes)`,
		tx.TenantID(), device, ids, ats, attrs)
	return err
}

// discoverySetSeen stores a sighting on an asset: the observed set, and
// first/last seen moved out to first and last (nil leaves them). It is not
// an edit: version and updated_at stay.
func discoverySetSeen(ctx context.Context, tx *database.Tx, id uuid.UUID, observed map[string]any, first, last *time.Time) error {
	raw, err := json.Marshal(observed)
	if err != nil {
		return err
	}
	// least and greatest skip NULLs.
	_, err = tx.Exec(ctx, `UPDATE assets SET observed = $3::jsonb,
			first_seen = least(first_seen, $4::timestamptz), last_seen = greatest(last_seen, $5::timestamptz)
		WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id, string(raw), first, last)
	return err
}

// discoveryNames is the lower-case names of a site's assets, loaded once
// per batch when it first creates a device there.
func discoveryNames(ctx context.Context, tx *database.Tx, siteID uuid.UUID) (map[string]bool, error) {
	var taken []string
	if err := tx.Select(ctx, &taken, `SELECT lower(name) FROM assets WHERE tenant_id = $1 AND site_id = $2`,
		tx.TenantID(), siteID); err != nil {
		return nil, err
	}
	used := make(map[string]bool, len(taken))
	for _, n := range taken {
		used[n] = true
	}
	return used, nil
}

// discoveryFreeName is the first of base, "base (2)", "base (3)" ... not
// in used (lower-case names).
func discoveryFreeName(used map[string]bool, base string) string {
	for n := 1; ; n++ {
		if name := discoveryNameCandidate(base, n); !used[strings.ToLower(name)] {
			return name
		}
	}
}

// discoveryVendorByName is the tenant's vendor of this name (any case).
func discoveryVendorByName(ctx context.Context, tx *database.Tx, name string) (*uuid.UUID, error) {
	if name == "" {
		return nil, nil
	}
	var ids []uuid.UUID
	if err := tx.Select(ctx, &ids, `SELECT id FROM vendors WHERE tenant_id = $1 AND lower(name) = lower($2) LIMIT 1`,
		tx.TenantID(), name); err != nil || len(ids) == 0 {
		return nil, err
	}
	return &ids[0], nil
}

// discoveryIgnoreMAC records an ignored MAC address (ip is the device's
// address then, for people reading the list); one already ignored stays.
func discoveryIgnoreMAC(ctx context.Context, tx *database.Tx, siteID uuid.UUID, mac string, ip *string, by *uuid.UUID) error {
	_, err := tx.Exec(ctx, `INSERT INTO discovery_ignores (tenant_id, site_id, mac, ip, ignored_by)
		VALUES ($1, $2, $3::macaddr, $4::inet, $5) ON CONFLICT (tenant_id, mac) WHERE mac IS NOT NULL DO NOTHING`,
		tx.TenantID(), siteID, mac, ip, by)
	return err
}

// discoveryIgnoreIP records an ignored IP address within a site.
func discoveryIgnoreIP(ctx context.Context, tx *database.Tx, siteID uuid.UUID, ip string, by *uuid.UUID) error {
	_, err := tx.Exec(ctx, `INSERT INTO discovery_ignores (tenant_id, site_id, ip, ignored_by)
		VALUES ($1, $2, $3::inet, $4) ON CONFLICT (tenant_id, site_id, ip) WHERE mac IS NULL DO NOTHING`,
		tx.TenantID(), siteID, ip, by)
	return err
}

const discoveryIgnoredColumns = `i.id, i.site_id, s.name AS site_name, coalesce(i.mac::text, '') AS mac,
	coalesce(host(i.ip), '') AS ip, i.ignored_by, i.ignored_at`

const discoveryIgnoredFrom = ` FROM discovery_ignores i JOIN sites s ON s.tenant_id = i.tenant_id AND s.id = i.site_id`

// discoveryIgnoredKey is where a page of ignored devices continues
// (newest first).
type discoveryIgnoredKey struct {
	At time.Time
	ID uuid.UUID
}

// discoveryListIgnored reads up to limit+1 ignored devices past after.
func discoveryListIgnored(ctx context.Context, tx *database.Tx, siteID uuid.UUID, after *discoveryIgnoredKey, limit int) ([]IgnoredDevice, error) {
	args := []any{tx.TenantID()}
	where := []string{"i.tenant_id = $1"}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if siteID != uuid.Nil {
		where = append(where, "i.site_id = "+arg(siteID))
	}
	if after != nil {
		where = append(where, "(i.ignored_at, i.id) < ("+arg(after.At)+", "+arg(after.ID)+")")
	}
	out := []IgnoredDevice{}
	err := tx.Select(ctx, &out, `SELECT `+discoveryIgnoredColumns+discoveryIgnoredFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY i.ignored_at DESC, i.id DESC LIMIT `+arg(limit+1), args...)
	return out, err
}

// discoveryDeleteIgnored removes an ignore and returns what it was.
func discoveryDeleteIgnored(ctx context.Context, tx *database.Tx, id uuid.UUID) (IgnoredDevice, error) {
	var d IgnoredDevice
	if err := tx.Get(ctx, &d, `SELECT `+discoveryIgnoredColumns+discoveryIgnoredFrom+` WHERE i.tenant_id = $1 AND i.id = $2 FOR UPDATE OF i`,
		tx.TenantID(), id); err != nil {
		if errs.Is(err, errs.KindNotFound) {
			return d, errs.NotFound("ignored device")
		}
		return d, err
	}
	return d, tx.ExecOne(ctx, "ignored device", `DELETE FROM discovery_ignores WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id)
}

// discoveryMoveObservations gives the observations of one asset to another.
func discoveryMoveObservations(ctx context.Context, tx *database.Tx, from, to uuid.UUID) error {
	_, err := tx.Exec(ctx, `UPDATE asset_observations SET asset_id = $3 WHERE tenant_id = $1 AND asset_id = $2`,
		tx.TenantID(), from, to)
	return err
}
