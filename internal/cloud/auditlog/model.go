// Package auditlog lets a tenant read and export its own audit log (spec
// 10-platform, "Audit log"). Entries are written by internal/platform/audit in
// the transaction of the change they describe; this context only reads them,
// under the tenant's row-level security like everything else.
package auditlog

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

// MaxExportRows caps one export. Beyond it an export is refused (narrow the
// time range instead): a single download of millions of rows holds a
// database connection for minutes and is no use to a person anyway.
const MaxExportRows = 1_000_000

// Column limits of audit_log: a longer filter value could never match.
const (
	maxActionLen       = 100
	maxResourceTypeLen = 100
	maxResourceIDLen   = 200
)

// Entry is one audit record as callers see it.
type Entry struct {
	ID           uuid.UUID                  `json:"id"`
	At           time.Time                  `json:"at"`
	Actor        Actor                      `json:"actor"`
	Action       string                     `json:"action" doc:"resource.verb, e.g. auth.login"`
	ResourceType string                     `json:"resource_type"`
	ResourceID   string                     `json:"resource_id"`
	Summary      string                     `json:"summary"`
	Changes      map[string]json.RawMessage `json:"changes" doc:"changed fields, each {before, after}; secrets redacted"`
	IP           string                     `json:"ip" doc:"client IP address; empty when not known"`
	UserAgent    string                     `json:"user_agent"`
	RequestID    string                     `json:"request_id"`
}

// Actor is who did it.
type Actor struct {
	Type  string     `json:"type" enum:"user device operator system anonymous"`
	ID    *uuid.UUID `json:"id" doc:"null for the system and anonymous callers"`
	Label string     `json:"label" doc:"readable name (an e-mail) when it was known"`
}

// Position is where a page ends: the sort key (at, id) of its last entry.
type Position struct {
	At time.Time
	ID uuid.UUID
}

// Format is an export file format.
type Format string

// Export formats.
const (
	FormatCSV  Format = "csv"
	FormatJSON Format = "json"
)

// Filter narrows the log; zero fields match everything.
type Filter struct {
	ActorID *uuid.UUID
	// Action is an exact action, or a prefix when it ends with ".*"
	// ("auth.*" matches auth.login, auth.logout, ...).
	Action       string
	ResourceType string
	ResourceID   string
	From         *time.Time // inclusive
	To           *time.Time // exclusive
}

// actionPrefix returns the prefix of a ".*" pattern ("auth." for "auth.*").
func (f Filter) actionPrefix() (string, bool) {
	if !isPrefixPattern(f.Action) {
		return "", false
	}
	return strings.TrimSuffix(f.Action, "*"), true
}

// isPrefixPattern accepts "auth.*" and "settings.groups.*": a non-empty
// prefix, a dot, a star, and no other star.
func isPrefixPattern(action string) bool {
	prefix, ok := strings.CutSuffix(action, ".*")
	return ok && prefix != "" && !strings.Contains(prefix, "*")
}

// Validate reports every invalid field at once.
func (f Filter) Validate() error {
	if problems := f.problems(); len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	return nil
}

func (f Filter) problems() []errs.FieldError {
	var out []errs.FieldError
	text := func(field, value string, maxLen int) {
		switch {
		case !utf8.ValidString(value) || strings.ContainsRune(value, 0):
			out = append(out, errs.Field(field, "invalid", "must be UTF-8 text without NUL characters"))
		case len(value) > maxLen:
			out = append(out, errs.Field(field, "too_long", "can be at most "+strconv.Itoa(maxLen)+" bytes"))
		}
	}
	text("action", f.Action, maxActionLen)
	if strings.Contains(f.Action, "*") && !isPrefixPattern(f.Action) {
		out = append(out, errs.Field("action", "invalid",
			`must be an action (auth.login) or a prefix ending in ".*" (auth.*)`))
	}
	text("resource_type", f.ResourceType, maxResourceTypeLen)
	text("resource_id", f.ResourceID, maxResourceIDLen)
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		out = append(out, errs.Field("to", "invalid", "must be after from"))
	}
	return out
}

// String describes the filter for the audit record of an export.
func (f Filter) String() string {
	var parts []string
	add := func(name, value string) {
		if value != "" {
			parts = append(parts, name+"="+value)
		}
	}
	if f.ActorID != nil {
		add("actor_id", f.ActorID.String())
	}
	add("action", f.Action)
	add("resource_type", f.ResourceType)
	add("resource_id", f.ResourceID)
	if f.From != nil {
		add("from", f.From.UTC().Format(time.RFC3339Nano))
	}
	if f.To != nil {
		add("to", f.To.UTC().Format(time.RFC3339Nano))
	}
	if len(parts) == 0 {
		return "no filters"
	}
	return strings.Join(parts, ", ")
}
