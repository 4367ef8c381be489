// Package audit writes the append-only audit log. Records are written with
// the transaction of the change they describe, so a change without its
// record cannot exist. The actor and client details come from the context;
// a user actor is labelled with their e-mail as the users table holds it
// when the record is written, so the log stays readable after the user
// changes address or is deleted.
package audit

import (
	"context"
	"encoding/json"
	"net"
	"strings"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/requestmeta"
)

// Record is one audit entry.
type Record struct {
	Action       string // resource.verb, e.g. "auth.login", "groups.update"
	ResourceType string
	ResourceID   string
	Summary      string
	// Changes maps a field to its before and after values; use Redact for
	// anything secret.
	Changes map[string]Change
	// ActorLabel is a readable actor name (an e-mail) when known. Left
	// empty for a user actor, it is the user's e-mail (read in tx).
	ActorLabel string
	// Actor overrides the principal on the context, for events before
	// authentication (a failed login is attributed to the user it targeted).
	Actor *auth.Principal
}

// Change is a before/after pair.
type Change struct {
	Before any `json:"before,omitempty"`
	After  any `json:"after,omitempty"`
}

// Redacted stands in for secret values.
const Redacted = "[redacted]"

// Write inserts r in tx, in the transaction's tenant.
func Write(ctx context.Context, tx *database.Tx, r Record) error {
	return WriteMany(ctx, tx, []Record{r})
}

// row is a record as the audit_log table stores it.
type row struct {
	ID           uuid.UUID       `json:"id"`
	ActorType    string          `json:"actor_type"`
	ActorID      *uuid.UUID      `json:"actor_id"`
	ActorLabel   string          `json:"actor_label"`
	Action       string          `json:"action"`
	ResourceType string          `json:"resource_type"`
	ResourceID   string          `json:"resource_id"`
	Summary      string          `json:"summary"`
	Changes      json.RawMessage `json:"changes"`
	IP           *string         `json:"ip"`
	UserAgent    string          `json:"user_agent"`
	RequestID    string          `json:"request_id"`
}

// WriteMany inserts records in tx with one statement: bulk changes (an
// import of thousands of assets) keep one entry per record without one
// round trip each.
func WriteMany(ctx context.Context, tx *database.Tx, records []Record) error {
	if len(records) == 0 {
		return nil
	}
	meta := requestmeta.From(ctx)
	var ip *string
	if parsed := net.ParseIP(meta.IP); parsed != nil {
		s := parsed.String()
		ip = &s
	}
	rows := make([]row, len(records))
	for i, r := range records {
		actorType, actorID := "anonymous", (*uuid.UUID)(nil)
		p, ok := auth.PrincipalFrom(ctx)
		if r.Actor != nil {
			p, ok = *r.Actor, true
		}
		if ok {
			actorType = string(p.Kind)
			if p.ActorID != uuid.Nil {
				id := p.ActorID
				actorID = &id
			}
		}
		changes := json.RawMessage("{}")
		if len(r.Changes) > 0 {
			var err error
			if changes, err = json.Marshal(r.Changes); err != nil {
				return err
			}
		}
		rows[i] = row{ID: uuid.Must(uuid.NewV7()), ActorType: actorType, ActorID: actorID, ActorLabel: clip(r.ActorLabel, 320),
			Action: r.Action, ResourceType: clip(r.ResourceType, 100), ResourceID: clip(r.ResourceID, 200),
			Summary: clip(r.Summary, 1000), Changes: changes, IP: ip, UserAgent: clip(meta.UserAgent, 512),
			RequestID: clip(meta.RequestID, 128)}
	}
	raw, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO audit_log (tenant_id, id, actor_type, actor_id, actor_label, action, resource_type, resource_id,
		                       summary, changes, ip, user_agent, request_id)
		SELECT $1, r.id, r.actor_type, r.actor_id,
		       coalesce(nullif(r.actor_label, ''), (SELECT u.email FROM users u
		           WHERE r.actor_type = 'user' AND u.tenant_id = $1 AND u.id = r.actor_id), ''),
		       r.action, r.resource_type, r.resource_id, r.summary, r.changes, r.ip::inet, r.user_agent, r.request_id
		FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, actor_type text, actor_id uuid, actor_label text, action text,
		     resource_type text, resource_id text, summary text, changes jsonb, ip text, user_agent text, request_id text)`,
		tx.TenantID(), string(raw))
	return err
}

func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
