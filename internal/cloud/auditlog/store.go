package auditlog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/monozu/monozu/internal/platform/database"
)

// entryColumns are every column a caller sees; host() drops the /32 a text
// cast of inet would add.
const entryColumns = `id, at, actor_type, actor_id, actor_label, action, resource_type, resource_id,
	summary, changes, coalesce(host(ip), '') AS ip, user_agent, request_id`

type entryRow struct {
	ID           uuid.UUID                                 `db:"id"`
	At           time.Time                                 `db:"at"`
	ActorType    string                                    `db:"actor_type"`
	ActorID      *uuid.UUID                                `db:"actor_id"`
	ActorLabel   string                                    `db:"actor_label"`
	Action       string                                    `db:"action"`
	ResourceType string                                    `db:"resource_type"`
	ResourceID   string                                    `db:"resource_id"`
	Summary      string                                    `db:"summary"`
	Changes      database.JSON[map[string]json.RawMessage] `db:"changes"`
	IP           string                                    `db:"ip"`
	UserAgent    string                                    `db:"user_agent"`
	RequestID    string                                    `db:"request_id"`
}

func (r entryRow) entry() Entry {
	changes := r.Changes.V
	if changes == nil {
		changes = map[string]json.RawMessage{}
	}
	return Entry{
		ID: r.ID, At: r.At.UTC(),
		Actor:  Actor{Type: r.ActorType, ID: r.ActorID, Label: r.ActorLabel},
		Action: r.Action, ResourceType: r.ResourceType, ResourceID: r.ResourceID, Summary: r.Summary,
		Changes: changes, IP: r.IP, UserAgent: r.UserAgent, RequestID: r.RequestID,
	}
}

// condition renders f (and the page position, when given) as a WHERE clause.
// The tenant is always the first condition even though RLS enforces it: it
// lets the planner use the tenant-leading indexes (and Citus route).
func condition(tenantID uuid.UUID, f Filter, after *Position) (string, []any) {
	conds := []string{"tenant_id = $1"}
	args := []any{tenantID}
	add := func(format string, values ...any) {
		refs := make([]any, len(values))
		for i, v := range values {
			args = append(args, v)
			refs[i] = len(args)
		}
		conds = append(conds, fmt.Sprintf(format, refs...))
	}
	if f.ActorID != nil {
		add("actor_id = $%d", *f.ActorID)
	}
	if prefix, ok := f.actionPrefix(); ok {
		add("starts_with(action, $%d)", prefix)
	} else if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if f.ResourceType != "" {
		add("resource_type = $%d", f.ResourceType)
	}
	if f.ResourceID != "" {
		add("resource_id = $%d", f.ResourceID)
	}
	if f.From != nil {
		add("at >= $%d", *f.From)
	}
	if f.To != nil {
		add("at < $%d", *f.To)
	}
	if after != nil {
		add("(at, id) < ($%d, $%d)", after.At, after.ID)
	}
	return strings.Join(conds, " AND "), args
}

// newestFirst selects entries in page order, which the (tenant_id, at DESC,
// id DESC) index serves without sorting.
func newestFirst(where string, limit int) string {
	return fmt.Sprintf(`SELECT %s FROM audit_log WHERE %s ORDER BY at DESC, id DESC LIMIT %d`, entryColumns, where, limit)
}

// listEntries returns up to limit entries after the position, newest first.
func listEntries(ctx context.Context, tx *database.Tx, f Filter, after *Position, limit int) ([]Entry, error) {
	where, args := condition(tx.TenantID(), f, after)
	var rows []entryRow
	if err := tx.Select(ctx, &rows, newestFirst(where, limit), args...); err != nil {
		return nil, err
	}
	out := make([]Entry, len(rows))
	for i, r := range rows {
		out[i] = r.entry()
	}
	return out, nil
}

// countEntries counts matching entries, stopping at upTo so that asking
// whether an export is too large costs at most that many index entries.
func countEntries(ctx context.Context, tx *database.Tx, f Filter, upTo int) (int, error) {
	where, args := condition(tx.TenantID(), f, nil)
	var n int
	err := tx.Get(ctx, &n, fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM audit_log WHERE %s LIMIT %d) capped`, where, upTo), args...)
	return n, err
}

// eachEntry streams up to limit matching entries, newest first, to emit.
func eachEntry(ctx context.Context, tx *database.Tx, f Filter, limit int, emit func(Entry) error) error {
	where, args := condition(tx.TenantID(), f, nil)
	return tx.Each(ctx, newestFirst(where, limit), args, func(rows *sqlx.Rows) error {
		var r entryRow
		if err := rows.StructScan(&r); err != nil {
			return err
		}
		return emit(r.entry())
	})
}
