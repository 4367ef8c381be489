package tenancy

import (
	"context"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
)

const tenantColumns = `id, account_name, display_name, status, auth_policy, mfa_policy, timezone, created_at, updated_at`

func insertTenant(ctx context.Context, tx *database.Tx, id uuid.UUID, n NewTenant) (Tenant, error) {
	var t Tenant
	err := tx.Get(ctx, &t, `INSERT INTO tenants (id, account_name, display_name) VALUES ($1, $2, $3) RETURNING `+tenantColumns,
		id, n.AccountName, n.DisplayName)
	if err != nil {
		return Tenant{}, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO tenant_settings (tenant_id) VALUES ($1)`, t.ID)
	return t, err
}

func tenantByAccountName(ctx context.Context, tx *database.Tx, name string) (Tenant, error) {
	var t Tenant
	err := tx.Get(ctx, &t, `SELECT `+tenantColumns+` FROM tenants WHERE account_name = $1`, name)
	return t, err
}

func tenantByID(ctx context.Context, tx *database.Tx, id uuid.UUID) (Tenant, error) {
	var t Tenant
	err := tx.Get(ctx, &t, `SELECT `+tenantColumns+` FROM tenants WHERE id = $1`, id)
	return t, err
}

func settingsOf(ctx context.Context, tx *database.Tx) (Settings, error) {
	var s Settings
	err := tx.Get(ctx, &s, `SELECT tenant_id, ingest_events_retention_days, audit_retention_days, version, updated_at
		FROM tenant_settings WHERE tenant_id = $1`, tx.TenantID())
	return s, err
}
