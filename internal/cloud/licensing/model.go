// Package licensing holds a tenant's licence: plan, optional modules
// (features), limits, validity and grace. The management plane decides
// licences; this package applies them and answers what is switched on.
package licensing

import (
	"fmt"
	"slices"
	"time"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// License is what an operator grants a tenant.
type License struct {
	Plan      string         `json:"plan"`
	Features  []rbac.Feature `json:"features"`
	Limits    map[string]int `json:"limits"`
	StartsAt  time.Time      `json:"starts_at"`
	ExpiresAt *time.Time     `json:"expires_at"`
	GraceDays int            `json:"grace_days"`
}

// State of a licence at a moment.
type State string

// States: base modules work in every state; optional modules in active and grace.
const (
	StateNone    State = "none"
	StateFuture  State = "not_started"
	StateActive  State = "active"
	StateGrace   State = "grace"
	StateExpired State = "expired"
)

// Known limit names.
var knownLimits = []string{"max_assets", "max_devices", "max_users"}

// Validate checks a licence before it is applied.
func (l License) Validate() error {
	var fields []errs.FieldError
	if l.Plan == "" || len(l.Plan) > 64 {
		fields = append(fields, errs.Field("plan", "invalid", "must be 1-64 characters"))
	}
	for i, f := range l.Features {
		if !slices.Contains(rbac.Features(), f) {
			fields = append(fields, errs.Field(fmt.Sprintf("features[%d]", i), "unknown", "must be security, vpn or backup"))
		}
	}
	for name, v := range l.Limits {
		if !slices.Contains(knownLimits, name) || v < 0 {
			fields = append(fields, errs.Field("limits."+name, "invalid", "must be max_assets, max_devices or max_users, not negative"))
		}
	}
	if l.StartsAt.IsZero() {
		fields = append(fields, errs.Field("starts_at", "required", "is required"))
	}
	if l.ExpiresAt != nil && !l.ExpiresAt.After(l.StartsAt) {
		fields = append(fields, errs.Field("expires_at", "invalid", "must be after starts_at"))
	}
	if l.GraceDays < 0 || l.GraceDays > 365 {
		fields = append(fields, errs.Field("grace_days", "invalid", "must be 0-365"))
	}
	if len(fields) > 0 {
		return errs.Invalid(fields...)
	}
	return nil
}

// StateAt tells where the licence stands at now.
func (l *License) StateAt(now time.Time) State {
	switch {
	case l == nil:
		return StateNone
	case now.Before(l.StartsAt):
		return StateFuture
	case l.ExpiresAt == nil || now.Before(*l.ExpiresAt):
		return StateActive
	case now.Before(l.ExpiresAt.AddDate(0, 0, l.GraceDays)):
		return StateGrace
	}
	return StateExpired
}

// Enabled reports, per optional module, whether it works at now.
func (l *License) Enabled(now time.Time) map[rbac.Feature]bool {
	out := map[rbac.Feature]bool{}
	state := l.StateAt(now)
	for _, f := range rbac.Features() {
		out[f] = (state == StateActive || state == StateGrace) && slices.Contains(l.Features, f)
	}
	return out
}
