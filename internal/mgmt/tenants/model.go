// Package tenants is the management plane's registry of Cloud tenants and
// their licences: self-registrations reported by the Cloud wait here for an
// operator, who approves them with a licence or rejects them; operators
// change licences, suspend, resume and delete. Every licence or status
// change is pushed to the Cloud through the deliveries outbox in the same
// transaction, kept in the licence history and written to the operator
// audit log.
package tenants

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/mgmt/deliveries"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Status is a tenant's lifecycle state, the one the Cloud applies.
type Status string

// Statuses (spec 20-management).
const (
	StatusPending   Status = "pending"
	StatusActive    Status = "active"
	StatusSuspended Status = "suspended"
	StatusDeleted   Status = "deleted"
)

// Source tells how a tenant came to be.
type Source string

// Sources.
const (
	SourceSelfRegistered Source = "self_registered"
	SourceOperator       Source = "operator"
)

// Registration is where a self-registration stands; operator-created
// tenants have none.
type Registration string

// Registration states.
const (
	RegistrationPending  Registration = "pending"
	RegistrationApproved Registration = "approved"
	RegistrationRejected Registration = "rejected"
)

// DeletionDelay is how long a deleted tenant is kept before it is purged,
// so a mistaken deletion can still be noticed.
const DeletionDelay = 30 * 24 * time.Hour

// DefaultGraceDays applies when a licence does not name its grace period.
const DefaultGraceDays = 14

// Features an operator can license (the Cloud's optional modules).
var Features = []string{"security", "vpn", "backup"}

// Tenant is one Cloud tenant as operators see it.
type Tenant struct {
	ID                  uuid.UUID     `db:"id" json:"id"`
	CloudTenantID       uuid.UUID     `db:"cloud_tenant_id" json:"cloud_tenant_id"`
	AccountName         string        `db:"account_name" json:"account_name"`
	OrganizationName    string        `db:"organization_name" json:"organization_name"`
	ContactName         string        `db:"contact_name" json:"contact_name"`
	ContactEmail        string        `db:"contact_email" json:"contact_email"`
	Status              Status        `db:"status" json:"status" enum:"pending active suspended deleted"`
	Source              Source        `db:"source" json:"source" enum:"self_registered operator"`
	Registration        *Registration `db:"registration" json:"registration" enum:"pending approved rejected" doc:"pending, approved or rejected for self-registrations; null for operator-created tenants"`
	DeletionScheduledAt *time.Time    `db:"deletion_scheduled_at" json:"deletion_scheduled_at"`
	CreatedAt           time.Time     `db:"created_at" json:"created_at"`
	UpdatedAt           time.Time     `db:"updated_at" json:"updated_at"`
	Version             int           `db:"version" json:"version"`
}

// Limits cap what a tenant may have; 0 means unlimited. The Cloud enforces
// them with 403 licence_limit.
type Limits struct {
	MaxAssets  int `json:"max_assets"`
	MaxDevices int `json:"max_devices"`
	MaxUsers   int `json:"max_users"`
}

// asMap is the limits in the push's shape.
func (l Limits) asMap() map[string]int {
	return map[string]int{"max_assets": l.MaxAssets, "max_devices": l.MaxDevices, "max_users": l.MaxUsers}
}

// License is what a tenant is granted. Version guards concurrent edits.
type License struct {
	Plan      string     `json:"plan"`
	Features  []string   `json:"features"`
	Limits    Limits     `json:"limits"`
	StartsAt  time.Time  `json:"starts_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	GraceDays int        `json:"grace_days"`
	Notes     string     `json:"notes"`
	IssuedAt  time.Time  `json:"issued_at"`
	Version   int        `json:"version"`
}

// HistoryEntry is one licence or status change as it was pushed.
type HistoryEntry struct {
	ID         uuid.UUID  `json:"id"`
	At         time.Time  `json:"at"`
	OperatorID *uuid.UUID `json:"operator_id"`
	Status     Status     `json:"status" enum:"pending active suspended deleted"`
	License    *License   `json:"license" doc:"the licence in force after the change; null when the tenant had none"`
}

// Detail is a tenant with its current licence and licence history.
type Detail struct {
	Tenant
	License *License       `json:"license"`
	History []HistoryEntry `json:"history" doc:"newest first"`
}

// LicenseInput is what an operator sets as a tenant's licence.
type LicenseInput struct {
	Plan      string     `json:"plan" doc:"standard, enterprise or a custom name, 1-64 characters"`
	Features  []string   `json:"features" doc:"subset of security, vpn, backup"`
	Limits    Limits     `json:"limits"`
	StartsAt  time.Time  `json:"starts_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty" doc:"after starts_at; absent for a licence without end"`
	GraceDays *int       `json:"grace_days,omitempty" doc:"0-365, default 14"`
	Notes     string     `json:"notes"`
	Version   *int       `json:"version,omitempty" doc:"the licence version read (0 when the tenant had none); if it changed since, the answer is 409 version_conflict"`
}

// validate trims and checks the input and returns the licence it asks for
// (without issue time and version, which the store sets).
func (in LicenseInput) validate() (License, error) {
	var fields []errs.FieldError
	l := License{Plan: strings.TrimSpace(in.Plan), Limits: in.Limits, StartsAt: in.StartsAt.UTC(), GraceDays: DefaultGraceDays,
		Notes: strings.TrimSpace(in.Notes), Features: []string{}}
	if l.Plan == "" || len(l.Plan) > 64 {
		fields = append(fields, errs.Field("plan", "invalid", "must be 1-64 characters"))
	}
	for i, f := range in.Features {
		switch {
		case !slices.Contains(Features, f):
			fields = append(fields, errs.Field(fmt.Sprintf("features[%d]", i), "unknown", "must be security, vpn or backup"))
		case !slices.Contains(l.Features, f):
			l.Features = append(l.Features, f)
		}
	}
	for name, v := range l.Limits.asMap() {
		if v < 0 {
			fields = append(fields, errs.Field("limits."+name, "invalid", "must be 0 (unlimited) or more"))
		}
	}
	if in.StartsAt.IsZero() {
		fields = append(fields, errs.Field("starts_at", "required", "is required"))
	}
	if in.ExpiresAt != nil {
		expires := in.ExpiresAt.UTC()
		l.ExpiresAt = &expires
		if !expires.After(l.StartsAt) {
			fields = append(fields, errs.Field("expires_at", "invalid", "must be after starts_at"))
		}
	}
	if in.GraceDays != nil {
		l.GraceDays = *in.GraceDays
		if l.GraceDays < 0 || l.GraceDays > 365 {
			fields = append(fields, errs.Field("grace_days", "invalid", "must be 0-365"))
		}
	}
	if len(l.Notes) > 2000 {
		fields = append(fields, errs.Field("notes", "invalid", "must be at most 2000 characters"))
	}
	if in.Version != nil && *in.Version < 0 {
		fields = append(fields, errs.Field("version", "invalid", "must be the version you read"))
	}
	if len(fields) > 0 {
		return License{}, errs.Invalid(fields...)
	}
	return l, nil
}

// payload is the push telling the Cloud a tenant's status and licence; a
// tenant without a licence is pushed with an empty one.
func payload(t Tenant, l *License) deliveries.Payload {
	p := deliveries.Payload{TenantID: t.CloudTenantID, Status: string(t.Status), Features: []string{}, Limits: map[string]int{}}
	if l != nil {
		starts := l.StartsAt
		p.Plan, p.Features, p.Limits, p.StartsAt, p.ExpiresAt, p.GraceDays = l.Plan, l.Features, l.Limits.asMap(), &starts, l.ExpiresAt, l.GraceDays
	}
	return p
}

// RegistrationReport is the Cloud's notice of a self-registered tenant.
type RegistrationReport struct {
	CloudTenantID    uuid.UUID `json:"cloud_tenant_id"`
	AccountName      string    `json:"account_name"`
	OrganizationName string    `json:"organization_name"`
	AdminEmail       string    `json:"admin_email"`
	AdminName        string    `json:"admin_name"`
	RegisteredAt     time.Time `json:"registered_at"`
}

// accountName is the Cloud's account name rule (the tenants table checks it too).
var accountName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

// validate trims the report and checks it against the table's rules, so the
// Cloud hears which field is wrong instead of a bare constraint failure.
func (r *RegistrationReport) validate() error {
	r.AccountName = strings.TrimSpace(r.AccountName)
	r.OrganizationName = strings.TrimSpace(r.OrganizationName)
	r.AdminEmail = strings.ToLower(strings.TrimSpace(r.AdminEmail))
	r.AdminName = strings.TrimSpace(r.AdminName)
	var fields []errs.FieldError
	if r.CloudTenantID == uuid.Nil {
		fields = append(fields, errs.Field("cloud_tenant_id", "required", "is required"))
	}
	if !accountName.MatchString(r.AccountName) {
		fields = append(fields, errs.Field("account_name", "invalid", "must be 3-63 lower-case letters, digits or hyphens"))
	}
	if r.OrganizationName == "" || len(r.OrganizationName) > 200 {
		fields = append(fields, errs.Field("organization_name", "invalid", "must be 1-200 characters"))
	}
	if len(r.AdminEmail) > 254 {
		fields = append(fields, errs.Field("admin_email", "invalid", "must be at most 254 characters"))
	}
	if len(r.AdminName) > 200 {
		fields = append(fields, errs.Field("admin_name", "invalid", "must be at most 200 characters"))
	}
	if len(fields) > 0 {
		return errs.Invalid(fields...)
	}
	return nil
}

// Rejection is why an operator turns a registration down.
type Rejection struct {
	Reason string `json:"reason" doc:"1-1000 characters, kept in the audit log"`
}

func (r *Rejection) validate() error {
	r.Reason = strings.TrimSpace(r.Reason)
	if r.Reason == "" || len(r.Reason) > 1000 {
		return errs.Invalid(errs.Field("reason", "invalid", "must be 1-1000 characters"))
	}
	return nil
}

// The answers that are not about a single field.
var (
	errVersionConflict = errs.New(errs.KindConflict, "Someone else changed this licence since you read it; reload and try again.").WithCode("version_conflict")
	errDeleted         = errs.New(errs.KindConflict, "The tenant is deleted; its licence and status can no longer change.").WithCode("tenant_deleted")
	errNoLicense       = errs.New(errs.KindConflict, "The tenant has no licence; assign one before resuming it.").WithCode("license_required")
	errNotActive       = errs.New(errs.KindConflict, "Only an active tenant can be suspended.").WithCode("tenant_not_active")
	errNotSuspended    = errs.New(errs.KindConflict, "Only a suspended tenant can be resumed.").WithCode("tenant_not_suspended")
	errNotPending      = errs.New(errs.KindConflict, "This registration has already been decided.").WithCode("registration_not_pending")
	errAccountTaken    = errs.New(errs.KindConflict, "Another tenant has this account name.").WithCode("account_name_taken")
)
