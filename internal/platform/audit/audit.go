// Package audit writes the append-only audit log. Records are written with
// the transaction of the change they describe, so a change without its
// record cannot exist. The actor and client details come from the context.
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
	// ActorLabel is a readable actor name (an e-mail) when known.
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
	changes := []byte("{}")
	if len(r.Changes) > 0 {
		var err error
		if changes, err = json.Marshal(r.Changes); err != nil {
			return err
		}
	}
	meta := requestmeta.From(ctx)
	var ip *string
	if parsed := net.ParseIP(meta.IP); parsed != nil {
		s := parsed.String()
		ip = &s
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO audit_log (tenant_id, id, actor_type, actor_id, actor_label, action, resource_type, resource_id,
		                       summary, changes, ip, user_agent, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		tx.TenantID(), uuid.Must(uuid.NewV7()), actorType, actorID, clip(r.ActorLabel, 320), r.Action,
		clip(r.ResourceType, 100), clip(r.ResourceID, 200), clip(r.Summary, 1000), changes, ip,
		clip(meta.UserAgent, 512), clip(meta.RequestID, 128))
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
