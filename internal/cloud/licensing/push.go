package licensing

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// Push is a licence event from the management plane (spec 20-management).
type Push struct {
	EventID   string         `json:"event_id"`
	TenantID  uuid.UUID      `json:"tenant_id"`
	Status    string         `json:"status" enum:"pending active suspended deleted"`
	Plan      string         `json:"plan"`
	Features  []rbac.Feature `json:"features"`
	Limits    map[string]int `json:"limits"` // 0 means unlimited
	StartsAt  *time.Time     `json:"starts_at,omitempty" doc:"defaults to issued_at"`
	ExpiresAt *time.Time     `json:"expires_at"`
	GraceDays int            `json:"grace_days"`
	IssuedAt  time.Time      `json:"issued_at"`
}

// PushOutcome tells the sender what became of a push.
type PushOutcome string

// Outcomes: applied now, applied before (a redelivery or replay), or older
// than the licence in force (ignored).
const (
	PushApplied        PushOutcome = "applied"
	PushAlreadyApplied PushOutcome = "already_applied"
	PushStale          PushOutcome = "stale"
)

// statusOnly is a push for a tenant that never had a licence (a rejected
// registration, a deletion): it changes the status and nothing else.
func (p Push) statusOnly() bool { return p.Plan == "" }

// licence turns the push into a License, dropping zero (unlimited) limits.
func (p Push) licence() (License, error) {
	var fields []errs.FieldError
	if p.EventID == "" || len(p.EventID) > 200 {
		fields = append(fields, errs.Field("event_id", "invalid", "must be 1-200 characters"))
	}
	switch p.Status {
	case "pending", "active", "suspended", "deleted":
	default:
		fields = append(fields, errs.Field("status", "invalid", "must be pending, active, suspended or deleted"))
	}
	if p.IssuedAt.IsZero() {
		fields = append(fields, errs.Field("issued_at", "required", "is required"))
	}
	if len(fields) > 0 {
		return License{}, errs.Invalid(fields...)
	}
	if p.statusOnly() {
		return License{}, nil
	}
	l := License{Plan: p.Plan, Features: p.Features, Limits: map[string]int{}, StartsAt: p.IssuedAt,
		ExpiresAt: p.ExpiresAt, GraceDays: p.GraceDays}
	if p.StartsAt != nil {
		l.StartsAt = *p.StartsAt
	}
	for name, v := range p.Limits {
		if v != 0 {
			l.Limits[name] = v
		}
	}
	return l, l.Validate()
}

// ApplyPush applies a push exactly once per event id, never letting an
// older push replace a newer licence.
func (s *Service) ApplyPush(ctx context.Context, p Push) (PushOutcome, error) {
	l, err := p.licence()
	if err != nil {
		return "", err
	}
	ctx = auth.WithPrincipal(ctx, auth.System(p.TenantID))
	outcome := PushApplied
	err = s.inTenant(ctx, func(tx *database.Tx) error {
		var exists bool
		if err := tx.Get(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1)`, p.TenantID); err != nil {
			return err
		}
		if !exists {
			return errs.NotFound("tenant")
		}
		var newer bool
		if err := tx.Get(ctx, &newer, `SELECT EXISTS (SELECT 1 FROM tenant_licenses WHERE tenant_id = $1 AND issued_at > $2)`,
			p.TenantID, p.IssuedAt); err != nil {
			return err
		}
		if newer {
			outcome = PushStale
		}
		n, err := tx.Exec(ctx, `INSERT INTO license_events (tenant_id, event_id, issued_at, outcome) VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant_id, event_id) DO NOTHING`, p.TenantID, p.EventID, p.IssuedAt, string(outcome))
		if err != nil {
			return err
		}
		if n == 0 {
			outcome = PushAlreadyApplied
			return nil
		}
		if outcome == PushStale {
			return nil
		}
		if p.statusOnly() {
			return s.setStatus(ctx, tx, p.Status, "mgmt:event:"+p.EventID)
		}
		if err := s.store(ctx, tx, l, "mgmt:event:"+p.EventID, &p.Status); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE tenant_licenses SET issued_at = $2 WHERE tenant_id = $1`, p.TenantID, p.IssuedAt)
		return err
	})
	return outcome, err
}
