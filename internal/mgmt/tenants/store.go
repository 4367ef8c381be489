package tenants

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

const tenantColumns = `id, cloud_tenant_id, account_name, organization_name, contact_name, contact_email, status, source,
	registration, deletion_scheduled_at, created_at, updated_at, version`

func tenantByID(ctx context.Context, tx *database.Tx, id uuid.UUID, forUpdate bool) (Tenant, error) {
	q := `SELECT ` + tenantColumns + ` FROM tenants WHERE id = $1`
	if forUpdate {
		q += ` FOR UPDATE`
	}
	var t Tenant
	err := tx.Get(ctx, &t, q, id)
	if errs.Is(err, errs.KindNotFound) {
		return Tenant{}, errs.NotFound("tenant")
	}
	return t, err
}

func tenantByCloudID(ctx context.Context, tx *database.Tx, cloudTenantID uuid.UUID) (Tenant, error) {
	var t Tenant
	err := tx.Get(ctx, &t, `SELECT `+tenantColumns+` FROM tenants WHERE cloud_tenant_id = $1`, cloudTenantID)
	if errs.Is(err, errs.KindNotFound) {
		return Tenant{}, errs.NotFound("tenant")
	}
	return t, err
}

// pageKey is the sort key of tenant lists: newest first, id breaking ties.
type pageKey struct {
	CreatedAt time.Time
	ID        uuid.UUID
}

// listFilter narrows a tenant list; empty fields do not filter.
type listFilter struct {
	Status       Status
	Search       string
	Registration Registration
	// Registrations limits the list to self-registrations.
	Registrations bool
}

// tenantPage reads up to limit+1 tenants after the cursor's key.
func tenantPage(ctx context.Context, tx *database.Tx, f listFilter, after *pageKey, limit int) ([]Tenant, error) {
	var where []string
	args := []any{limit + 1}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Status != "" {
		where = append(where, "status = "+arg(f.Status))
	}
	if f.Registrations {
		where = append(where, "registration IS NOT NULL")
	}
	if f.Registration != "" {
		where = append(where, "registration = "+arg(f.Registration))
	}
	if f.Search != "" {
		p := arg("%" + likeEscaper.Replace(f.Search) + "%")
		where = append(where, "(account_name ILIKE "+p+" OR organization_name ILIKE "+p+")")
	}
	if after != nil {
		where = append(where, "(created_at, id) < ("+arg(after.CreatedAt)+", "+arg(after.ID)+")")
	}
	q := `SELECT ` + tenantColumns + ` FROM tenants`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	var rows []Tenant
	err := tx.Select(ctx, &rows, q+` ORDER BY created_at DESC, id DESC LIMIT $1`, args...)
	return rows, err
}

// likeEscaper makes a search term match literally inside ILIKE.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// insertRegistration adds a self-registered tenant unless the Cloud
// reported it before; created tells which.
func insertRegistration(ctx context.Context, tx *database.Tx, r RegistrationReport) (t Tenant, created bool, err error) {
	var rows []Tenant
	err = tx.Select(ctx, &rows, `INSERT INTO tenants (cloud_tenant_id, account_name, organization_name, contact_name, contact_email,
			status, source, registration, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, 'pending', 'self_registered', 'pending', $6, now())
		ON CONFLICT (cloud_tenant_id) DO NOTHING RETURNING `+tenantColumns,
		r.CloudTenantID, r.AccountName, r.OrganizationName, r.AdminName, r.AdminEmail, r.RegisteredAt)
	if errs.Is(err, errs.KindConflict) {
		return Tenant{}, false, errAccountTaken
	}
	if err != nil {
		return Tenant{}, false, err
	}
	if len(rows) == 1 {
		return rows[0], true, nil
	}
	t, err = tenantByCloudID(ctx, tx, r.CloudTenantID)
	return t, false, err
}

// updateState writes a tenant's status, registration and deletion date.
func updateState(ctx context.Context, tx *database.Tx, t Tenant, now time.Time) (Tenant, error) {
	var out Tenant
	err := tx.Get(ctx, &out, `UPDATE tenants SET status = $2, registration = $3, deletion_scheduled_at = $4, updated_at = $5,
		version = version + 1 WHERE id = $1 RETURNING `+tenantColumns, t.ID, t.Status, t.Registration, t.DeletionScheduledAt, now)
	return out, err
}

type licenseRow struct {
	Plan      string                  `db:"plan"`
	Features  database.JSON[[]string] `db:"features"`
	Limits    database.JSON[Limits]   `db:"limits"`
	StartsAt  time.Time               `db:"starts_at"`
	ExpiresAt *time.Time              `db:"expires_at"`
	GraceDays int                     `db:"grace_days"`
	Notes     string                  `db:"notes"`
	IssuedAt  time.Time               `db:"issued_at"`
	Version   int                     `db:"version"`
}

func (r licenseRow) license() *License {
	features := r.Features.V
	if features == nil {
		features = []string{}
	}
	return &License{Plan: r.Plan, Features: features, Limits: r.Limits.V, StartsAt: r.StartsAt.UTC(), ExpiresAt: utc(r.ExpiresAt),
		GraceDays: r.GraceDays, Notes: r.Notes, IssuedAt: r.IssuedAt.UTC(), Version: r.Version}
}

const licenseColumns = `plan, to_json(features) AS features, limits, starts_at, expires_at, grace_days, notes, issued_at, version`

// licenseOf returns the tenant's licence, or nil when it has none.
func licenseOf(ctx context.Context, tx *database.Tx, tenantID uuid.UUID) (*License, error) {
	var row licenseRow
	err := tx.Get(ctx, &row, `SELECT `+licenseColumns+` FROM licenses WHERE managed_tenant_id = $1`, tenantID)
	if errs.Is(err, errs.KindNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return row.license(), nil
}

// saveLicense inserts or replaces the tenant's licence, raising its version.
func saveLicense(ctx context.Context, tx *database.Tx, tenantID uuid.UUID, l License, now time.Time) (*License, error) {
	limits, err := json.Marshal(l.Limits)
	if err != nil {
		return nil, err
	}
	var row licenseRow
	err = tx.Get(ctx, &row, `INSERT INTO licenses (managed_tenant_id, plan, features, limits, starts_at, expires_at, grace_days, notes, issued_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (managed_tenant_id) DO UPDATE SET plan = EXCLUDED.plan, features = EXCLUDED.features, limits = EXCLUDED.limits,
			starts_at = EXCLUDED.starts_at, expires_at = EXCLUDED.expires_at, grace_days = EXCLUDED.grace_days,
			notes = EXCLUDED.notes, issued_at = EXCLUDED.issued_at, version = licenses.version + 1
		RETURNING `+licenseColumns, tenantID, l.Plan, l.Features, limits, l.StartsAt, l.ExpiresAt, l.GraceDays, l.Notes, now)
	if err != nil {
		return nil, err
	}
	return row.license(), nil
}

// insertHistory appends a licence or status change as it was pushed.
func insertHistory(ctx context.Context, tx *database.Tx, t Tenant, l *License, operatorID *uuid.UUID, now time.Time) error {
	snapshot, err := json.Marshal(l)
	if err != nil {
		return err
	}
	if l == nil {
		snapshot = []byte("{}")
	}
	_, err = tx.Exec(ctx, `INSERT INTO license_history (id, managed_tenant_id, at, operator_id, status, license) VALUES ($1, $2, $3, $4, $5, $6)`,
		uuid.Must(uuid.NewV7()), t.ID, now, operatorID, t.Status, snapshot)
	return err
}

// historyOf returns a tenant's licence history, newest first.
func historyOf(ctx context.Context, tx *database.Tx, tenantID uuid.UUID) ([]HistoryEntry, error) {
	var rows []struct {
		ID         uuid.UUID              `db:"id"`
		At         time.Time              `db:"at"`
		OperatorID *uuid.UUID             `db:"operator_id"`
		Status     Status                 `db:"status"`
		License    database.JSON[License] `db:"license"`
	}
	if err := tx.Select(ctx, &rows, `SELECT id, at, operator_id, status, license FROM license_history
		WHERE managed_tenant_id = $1 ORDER BY at DESC, id DESC`, tenantID); err != nil {
		return nil, err
	}
	out := make([]HistoryEntry, len(rows))
	for i, r := range rows {
		out[i] = HistoryEntry{ID: r.ID, At: r.At.UTC(), OperatorID: r.OperatorID, Status: r.Status}
		if r.License.V.Plan != "" {
			l := r.License.V
			out[i].License = &l
		}
	}
	return out, nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
