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

const driftColumns = `d.id, d.asset_id, a.name AS asset_name, a.site_id, s.name AS site_name, d.field, d.intended,
	d.observed, d.status, d.opened_at, d.last_observed_at, d.resolved_at, d.resolved_by`

const driftFrom = ` FROM asset_drift d
	JOIN assets a ON a.tenant_id = d.tenant_id AND a.id = d.asset_id
	JOIN sites s ON s.tenant_id = a.tenant_id AND s.id = a.site_id`

// driftByID reads one drift record; lock takes a row lock for resolving it.
func driftByID(ctx context.Context, tx *database.Tx, id uuid.UUID, lock bool) (DriftRecord, error) {
	q := `SELECT ` + driftColumns + driftFrom + ` WHERE d.tenant_id = $1 AND d.id = $2`
	if lock {
		q += ` FOR UPDATE OF d`
	}
	var d DriftRecord
	if err := tx.Get(ctx, &d, q, tx.TenantID(), id); err != nil {
		if errs.Is(err, errs.KindNotFound) {
			return DriftRecord{}, errs.NotFound("drift")
		}
		return DriftRecord{}, err
	}
	return d, nil
}

// driftOpenOf maps each of the assets' open drift records by field.
func driftOpenOf(ctx context.Context, tx *database.Tx, assetIDs []uuid.UUID) (map[uuid.UUID]map[string]uuid.UUID, error) {
	out := map[uuid.UUID]map[string]uuid.UUID{}
	if len(assetIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ID      uuid.UUID `db:"id"`
		AssetID uuid.UUID `db:"asset_id"`
		Field   string    `db:"field"`
	}
	if err := tx.Select(ctx, &rows, `SELECT id, asset_id, field FROM asset_drift
		WHERE tenant_id = $1 AND asset_id = ANY($2) AND status = 'open'`, tx.TenantID(), assetIDs); err != nil {
		return nil, err
	}
	for _, r := range rows {
		if out[r.AssetID] == nil {
			out[r.AssetID] = map[string]uuid.UUID{}
		}
		out[r.AssetID][r.Field] = r.ID
	}
	return out, nil
}

// driftLastStatusFor is the status of the latest drift record of an
// asset's field that observed this value (any case), "" when none did.
func driftLastStatusFor(ctx context.Context, tx *database.Tx, assetID uuid.UUID, field, observed string) (string, error) {
	var statuses []string
	err := tx.Select(ctx, &statuses, `SELECT status FROM asset_drift
		WHERE tenant_id = $1 AND asset_id = $2 AND field = $3 AND lower(btrim(observed)) = lower(btrim($4))
		ORDER BY coalesce(resolved_at, last_observed_at) DESC, opened_at DESC LIMIT 1`,
		tx.TenantID(), assetID, field, observed)
	if err != nil || len(statuses) == 0 {
		return "", err
	}
	return statuses[0], nil
}

// driftInsert opens a drift record.
func driftInsert(ctx context.Context, tx *database.Tx, assetID uuid.UUID, field, intended, observed string, at time.Time) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.Get(ctx, &id, `INSERT INTO asset_drift (tenant_id, asset_id, field, intended, observed, opened_at, last_observed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, tx.TenantID(), assetID, field, intended, observed, at)
	return id, err
}

// driftRefresh records a later sighting on an open drift record.
func driftRefresh(ctx context.Context, tx *database.Tx, id uuid.UUID, intended, observed string, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE asset_drift SET intended = $3, observed = $4, last_observed_at = greatest(last_observed_at, $5)
		WHERE tenant_id = $1 AND id = $2 AND status = 'open'`, tx.TenantID(), id, intended, observed, at)
	return err
}

// driftResolve closes an open drift record as accepted or dismissed.
func driftResolve(ctx context.Context, tx *database.Tx, id uuid.UUID, status string, by *uuid.UUID) error {
	return tx.ExecOne(ctx, "drift", `UPDATE asset_drift SET status = $3, resolved_at = now(), resolved_by = $4
		WHERE tenant_id = $1 AND id = $2 AND status = 'open'`, tx.TenantID(), id, status, by)
}

// driftList reads up to limit+1 drift records past after, newest first.
func driftList(ctx context.Context, tx *database.Tx, f DriftFilter, after *driftKey, limit int) ([]DriftRecord, error) {
	args := []any{tx.TenantID(), f.Status}
	where := []string{"d.tenant_id = $1", "d.status = $2"}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.AssetID != uuid.Nil {
		where = append(where, "d.asset_id = "+arg(f.AssetID))
	}
	if f.SiteID != uuid.Nil {
		where = append(where, "a.site_id = "+arg(f.SiteID))
	}
	if f.Field != "" {
		where = append(where, "d.field = "+arg(f.Field))
	}
	if after != nil {
		where = append(where, "(d.opened_at, d.id) < ("+arg(after.OpenedAt)+", "+arg(after.ID)+")")
	}
	q := `SELECT ` + driftColumns + driftFrom + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY d.opened_at DESC, d.id DESC LIMIT ` + arg(limit+1)
	out := []DriftRecord{}
	err := tx.Select(ctx, &out, q, args...)
	return out, err
}

// driftOpenOfAsset is an asset's open drift, by field.
func driftOpenOfAsset(ctx context.Context, tx *database.Tx, assetID uuid.UUID) ([]DriftRecord, error) {
	var out []DriftRecord
	err := tx.Select(ctx, &out, `SELECT `+driftColumns+driftFrom+`
		WHERE d.tenant_id = $1 AND d.asset_id = $2 AND d.status = 'open' ORDER BY d.field`, tx.TenantID(), assetID)
	return out, err
}

// driftFollowEdit keeps an asset's open drift true to a person's edit: a
// record whose observed value the asset now has is accepted (the person
// took the observed value), the others get the new intended value.
func driftFollowEdit(ctx context.Context, tx *database.Tx, assetID uuid.UUID, in AssetInput, by *uuid.UUID) error {
	intended := map[string]string{"firmware_version": in.FirmwareVersion, "model": in.Model,
		"serial_number": in.SerialNumber, "hostname": in.Hostname}
	raw, err := json.Marshal(intended)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE asset_drift d SET status = 'accepted', resolved_at = now(), resolved_by = $3
		WHERE d.tenant_id = $1 AND d.asset_id = $2 AND d.status = 'open'
		  AND lower(btrim(d.observed)) = lower(btrim($4::jsonb ->> d.field))`, tx.TenantID(), assetID, by, raw); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE asset_drift d SET intended = $3::jsonb ->> d.field
		WHERE d.tenant_id = $1 AND d.asset_id = $2 AND d.status = 'open'`, tx.TenantID(), assetID, raw)
	return err
}
