package licensing

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/rbac"
)

type licenseRow struct {
	Plan      string     `db:"plan"`
	Limits    []byte     `db:"limits"`
	StartsAt  time.Time  `db:"starts_at"`
	ExpiresAt *time.Time `db:"expires_at"`
	GraceDays int        `db:"grace_days"`
}

// loadLicense returns the tenant's licence, or nil when it has none.
func loadLicense(ctx context.Context, tx *database.Tx) (*License, error) {
	var row licenseRow
	err := tx.Get(ctx, &row, `SELECT plan, limits, starts_at, expires_at, grace_days FROM tenant_licenses WHERE tenant_id = $1`, tx.TenantID())
	if errs.Is(err, errs.KindNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	l := &License{Plan: row.Plan, StartsAt: row.StartsAt, ExpiresAt: row.ExpiresAt, GraceDays: row.GraceDays}
	if err := json.Unmarshal(row.Limits, &l.Limits); err != nil {
		return nil, errors.Join(errors.New("stored licence limits are not JSON"), err)
	}
	var features []string
	if err := tx.Select(ctx, &features, `SELECT feature FROM tenant_features WHERE tenant_id = $1 ORDER BY feature`, tx.TenantID()); err != nil {
		return nil, err
	}
	for _, f := range features {
		l.Features = append(l.Features, rbac.Feature(f))
	}
	return l, nil
}

func saveLicense(ctx context.Context, tx *database.Tx, l License, source string) error {
	limits, err := json.Marshal(l.Limits)
	if err != nil {
		return err
	}
	if l.Limits == nil {
		limits = []byte("{}")
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO tenant_licenses (tenant_id, plan, limits, starts_at, expires_at, grace_days, source, applied_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, now())
		ON CONFLICT (tenant_id) DO UPDATE SET plan = EXCLUDED.plan, limits = EXCLUDED.limits,
			starts_at = EXCLUDED.starts_at, expires_at = EXCLUDED.expires_at, grace_days = EXCLUDED.grace_days,
			source = EXCLUDED.source, applied_at = now()`,
		tx.TenantID(), l.Plan, limits, l.StartsAt, l.ExpiresAt, l.GraceDays, source)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM tenant_features WHERE tenant_id = $1`, tx.TenantID()); err != nil {
		return err
	}
	for _, f := range l.Features {
		if _, err := tx.Exec(ctx, `INSERT INTO tenant_features (tenant_id, feature) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			tx.TenantID(), string(f)); err != nil {
			return err
		}
	}
	return nil
}

// activatePending moves a pending tenant to active: activation comes only
// from a licence. Suspended and deleted tenants keep their status.
func activatePending(ctx context.Context, tx *database.Tx) (bool, error) {
	n, err := tx.Exec(ctx, `UPDATE tenants SET status = 'active', updated_at = now() WHERE id = $1 AND status = 'pending'`, tx.TenantID())
	return n == 1, err
}
