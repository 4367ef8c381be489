// Package tenancy is the tenant registry: a tenant's identity, status and
// policies, and its settings. Provisioning crosses tenants (it creates one),
// so it runs on the audited platform role; everything else runs inside the
// tenant's own transaction.
package tenancy

import (
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Status is a tenant's lifecycle state.
type Status string

// Statuses (spec 10-platform): activation comes only from a licence.
const (
	StatusPending   Status = "pending"
	StatusActive    Status = "active"
	StatusSuspended Status = "suspended"
	StatusDeleted   Status = "deleted"
)

// Tenant is a customer organisation.
type Tenant struct {
	ID          uuid.UUID `db:"id" json:"id"`
	AccountName string    `db:"account_name" json:"account_name"`
	DisplayName string    `db:"display_name" json:"display_name"`
	Status      Status    `db:"status" json:"status" enum:"pending active suspended deleted"`
	AuthPolicy  string    `db:"auth_policy" json:"auth_policy" enum:"standard restricted"`
	MFAPolicy   string    `db:"mfa_policy" json:"mfa_policy" enum:"optional required"`
	Timezone    string    `db:"timezone" json:"timezone"`
	CreatedAt   time.Time `db:"created_at" json:"created_at"`
	UpdatedAt   time.Time `db:"updated_at" json:"updated_at"`
}

// Settings are a tenant's adjustable defaults.
type Settings struct {
	TenantID                  uuid.UUID `db:"tenant_id" json:"-"`
	IngestEventsRetentionDays int       `db:"ingest_events_retention_days" json:"ingest_events_retention_days"`
	AuditRetentionDays        int       `db:"audit_retention_days" json:"audit_retention_days"`
	Version                   int       `db:"version" json:"version"`
	UpdatedAt                 time.Time `db:"updated_at" json:"updated_at"`
}

// NewTenant is what provisioning needs.
type NewTenant struct {
	AccountName string
	DisplayName string
}

var accountNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

// Validate normalises and checks a new tenant, reporting every bad field.
func (n *NewTenant) Validate() error {
	n.AccountName = strings.TrimSpace(n.AccountName)
	n.DisplayName = strings.TrimSpace(n.DisplayName)
	var fields []errs.FieldError
	if !accountNamePattern.MatchString(n.AccountName) {
		fields = append(fields, errs.Field("account_name", "invalid",
			"use 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"))
	}
	if n.DisplayName == "" || len(n.DisplayName) > 200 {
		fields = append(fields, errs.Field("display_name", "invalid", "must be 1-200 characters"))
	}
	if len(fields) > 0 {
		return errs.Invalid(fields...)
	}
	return nil
}
