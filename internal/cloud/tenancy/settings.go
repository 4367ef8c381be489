package tenancy

import (
	"context"
	"fmt"
	"time"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// TenantSettings is what Settings → Organisation shows and edits.
type TenantSettings struct {
	DisplayName               string `json:"display_name"`
	Timezone                  string `json:"timezone"`
	AuthPolicy                string `json:"auth_policy" enum:"standard restricted"`
	MFAPolicy                 string `json:"mfa_policy" enum:"optional required"`
	IngestEventsRetentionDays int    `json:"ingest_events_retention_days"`
	AuditRetentionDays        int    `json:"audit_retention_days"`
	Version                   int    `json:"version"`
}

// SettingsPatch changes some settings; Version must be the one read.
type SettingsPatch struct {
	DisplayName               *string `json:"display_name,omitempty"`
	Timezone                  *string `json:"timezone,omitempty"`
	AuthPolicy                *string `json:"auth_policy,omitempty"`
	MFAPolicy                 *string `json:"mfa_policy,omitempty"`
	IngestEventsRetentionDays *int    `json:"ingest_events_retention_days,omitempty"`
	AuditRetentionDays        *int    `json:"audit_retention_days,omitempty"`
	Version                   int     `json:"version"`
}

// Touches reports whether a patch changes the sign-in policies or the
// retention, which need permissions beyond settings.tenant.manage.
func (p SettingsPatch) Touches() (policies, retention bool) {
	return p.AuthPolicy != nil || p.MFAPolicy != nil, p.IngestEventsRetentionDays != nil || p.AuditRetentionDays != nil
}

// apply validates the patch onto s, reporting every bad field.
func (p SettingsPatch) apply(s *TenantSettings) error {
	var fields []errs.FieldError
	if p.DisplayName != nil {
		n := NewTenant{AccountName: "valid-name", DisplayName: *p.DisplayName}
		if n.Validate() != nil {
			fields = append(fields, errs.Field("display_name", "invalid", "must be 1-200 characters"))
		}
		s.DisplayName = n.DisplayName
	}
	if p.Timezone != nil {
		if _, err := time.LoadLocation(*p.Timezone); err != nil || *p.Timezone == "" || *p.Timezone == "Local" {
			fields = append(fields, errs.Field("timezone", "invalid", "must be an IANA time zone like Europe/Berlin"))
		}
		s.Timezone = *p.Timezone
	}
	if p.AuthPolicy != nil {
		switch *p.AuthPolicy {
		case "standard":
		case "restricted":
			fields = append(fields, errs.Field("auth_policy", "sso_not_configured", "restricted sign-in needs single sign-on, which is not configured"))
		default:
			fields = append(fields, errs.Field("auth_policy", "invalid", "must be standard or restricted"))
		}
		s.AuthPolicy = *p.AuthPolicy
	}
	if p.MFAPolicy != nil {
		if *p.MFAPolicy != "optional" && *p.MFAPolicy != "required" {
			fields = append(fields, errs.Field("mfa_policy", "invalid", "must be optional or required"))
		}
		s.MFAPolicy = *p.MFAPolicy
	}
	inRange := func(field string, v *int, lo, hi int, target *int) {
		if v == nil {
			return
		}
		if *v < lo || *v > hi {
			fields = append(fields, errs.Field(field, "out_of_range", fmt.Sprintf("must be %d-%d days", lo, hi)))
		}
		*target = *v
	}
	inRange("ingest_events_retention_days", p.IngestEventsRetentionDays, 1, 3650, &s.IngestEventsRetentionDays)
	inRange("audit_retention_days", p.AuditRetentionDays, 30, 3650, &s.AuditRetentionDays)
	if len(fields) > 0 {
		return errs.Invalid(fields...)
	}
	return nil
}

const settingsQuery = `SELECT t.display_name, t.timezone, t.auth_policy, t.mfa_policy,
	s.ingest_events_retention_days, s.audit_retention_days, s.version
	FROM tenants t JOIN tenant_settings s ON s.tenant_id = t.id WHERE t.id = $1`

type settingsRow struct {
	DisplayName string `db:"display_name"`
	Timezone    string `db:"timezone"`
	AuthPolicy  string `db:"auth_policy"`
	MFAPolicy   string `db:"mfa_policy"`
	Ingest      int    `db:"ingest_events_retention_days"`
	Audit       int    `db:"audit_retention_days"`
	Version     int    `db:"version"`
}

func loadSettings(ctx context.Context, tx *database.Tx, lock bool) (TenantSettings, error) {
	q := settingsQuery
	if lock {
		q += " FOR UPDATE OF s"
	}
	var r settingsRow
	if err := tx.Get(ctx, &r, q, tx.TenantID()); err != nil {
		return TenantSettings{}, err
	}
	return TenantSettings{DisplayName: r.DisplayName, Timezone: r.Timezone, AuthPolicy: r.AuthPolicy, MFAPolicy: r.MFAPolicy,
		IngestEventsRetentionDays: r.Ingest, AuditRetentionDays: r.Audit, Version: r.Version}, nil
}

// Settings returns the settings of the tenant on ctx.
func (s *Service) Settings(ctx context.Context) (TenantSettings, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (TenantSettings, error) {
		return loadSettings(ctx, tx, false)
	})
}

var errStale = errs.New(errs.KindConflict, "The settings changed since you read them; reload and try again.").WithCode("version_conflict")

// UpdateSettings applies a patch with optimistic concurrency and audits
// every changed field.
func (s *Service) UpdateSettings(ctx context.Context, p SettingsPatch) (TenantSettings, error) {
	var out TenantSettings
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		before, err := loadSettings(ctx, tx, true)
		if err != nil {
			return err
		}
		if p.Version != before.Version {
			return errStale
		}
		after := before
		if err := p.apply(&after); err != nil {
			return err
		}
		after.Version++
		if _, err := tx.Exec(ctx, `UPDATE tenants SET display_name = $2, timezone = $3, auth_policy = $4, mfa_policy = $5, updated_at = now()
			WHERE id = $1`, tx.TenantID(), after.DisplayName, after.Timezone, after.AuthPolicy, after.MFAPolicy); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE tenant_settings SET ingest_events_retention_days = $2, audit_retention_days = $3,
			version = $4, updated_at = now() WHERE tenant_id = $1`, tx.TenantID(), after.IngestEventsRetentionDays,
			after.AuditRetentionDays, after.Version); err != nil {
			return err
		}
		out = after
		return audit.Write(ctx, tx, audit.Record{Action: "settings.tenant.update", ResourceType: "tenant",
			ResourceID: tx.TenantID().String(), Summary: "Organisation settings changed", Changes: diff(before, after)})
	})
	return out, err
}

func diff(before, after TenantSettings) map[string]audit.Change {
	out := map[string]audit.Change{}
	add := func(name string, b, a any) {
		if b != a {
			out[name] = audit.Change{Before: b, After: a}
		}
	}
	add("display_name", before.DisplayName, after.DisplayName)
	add("timezone", before.Timezone, after.Timezone)
	add("auth_policy", before.AuthPolicy, after.AuthPolicy)
	add("mfa_policy", before.MFAPolicy, after.MFAPolicy)
	add("ingest_events_retention_days", before.IngestEventsRetentionDays, after.IngestEventsRetentionDays)
	add("audit_retention_days", before.AuditRetentionDays, after.AuditRetentionDays)
	return out
}
