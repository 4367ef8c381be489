// Package events is the domain-event outbox (DESIGN.md §6): a context that
// others must hear about writes an event in the transaction of the change,
// so an event exists exactly when its change committed, and PostgreSQL
// announces it with NOTIFY on commit for listeners in any process.
package events

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
)

// Channel is the NOTIFY channel every event is announced on.
const Channel = "monozu_events"

// Event is one fact about an aggregate (an asset, a site ...).
type Event struct {
	Type          string    // context.fact, e.g. "cmdb.drift_opened"
	AggregateType string    // e.g. "asset"
	AggregateID   uuid.UUID // the record the fact is about
	Payload       any       // marshalled as a JSON object
}

// Notification is the NOTIFY payload: enough for a listener to fetch the
// events (payloads are capped at 8000 bytes, events are not). One
// notification may stand for many events of its tenant: those with
// FromSeq <= seq <= Seq. Other transactions of the tenant may have taken
// sequence numbers inside that range, so listeners read the range and skip
// what they already delivered.
type Notification struct {
	TenantID uuid.UUID `json:"tenant_id"`
	FromSeq  int64     `json:"from_seq"`
	Seq      int64     `json:"seq"`
	Type     string    `json:"type"`
}

// Publish writes e in tx's tenant and queues its notification, which
// PostgreSQL delivers only if tx commits.
func Publish(ctx context.Context, tx *database.Tx, e Event) error {
	payload, err := json.Marshal(e.Payload)
	if err != nil {
		return fmt.Errorf("event %s: %w", e.Type, err)
	}
	if len(payload) == 0 || payload[0] != '{' {
		return fmt.Errorf("event %s: payload must be a JSON object", e.Type)
	}
	var seq int64
	if err := tx.Get(ctx, &seq, `INSERT INTO domain_events (tenant_id, type, aggregate_type, aggregate_id, payload)
		VALUES ($1, $2, $3, $4, $5) RETURNING seq`, tx.TenantID(), e.Type, e.AggregateType, e.AggregateID, payload); err != nil {
		return err
	}
	note, err := json.Marshal(Notification{TenantID: tx.TenantID(), FromSeq: seq, Seq: seq, Type: e.Type})
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, string(note))
	return err
}

// Stored is an event as read back.
type Stored struct {
	Seq           int64           `db:"seq" json:"seq"`
	ID            uuid.UUID       `db:"id" json:"id"`
	Type          string          `db:"type" json:"type"`
	AggregateType string          `db:"aggregate_type" json:"aggregate_type"`
	AggregateID   uuid.UUID       `db:"aggregate_id" json:"aggregate_id"`
	Payload       json.RawMessage `db:"payload" json:"payload"`
}

// Since reads up to limit events of tx's tenant after seq, oldest first,
// optionally of one type only.
func Since(ctx context.Context, tx *database.Tx, seq int64, eventType string, limit int) ([]Stored, error) {
	var out []Stored
	err := tx.Select(ctx, &out, `SELECT seq, id, type, aggregate_type, aggregate_id, payload FROM domain_events
		WHERE tenant_id = $1 AND seq > $2 AND ($3 = '' OR type = $3) ORDER BY seq LIMIT $4`,
		tx.TenantID(), seq, eventType, limit)
	return out, err
}

// Span is an inclusive range of sequence numbers.
type Span struct{ From, To int64 }

// Range reads up to limit events of tx's tenant whose seq lies in one of
// spans and after seq after, oldest first, optionally of the given types
// only (nil: all).
func Range(ctx context.Context, tx *database.Tx, spans []Span, after int64, types []string, limit int) ([]Stored, error) {
	from, to := make([]int64, len(spans)), make([]int64, len(spans))
	for i, s := range spans {
		from[i], to[i] = s.From, s.To
	}
	var out []Stored
	err := tx.Select(ctx, &out, `SELECT e.seq, e.id, e.type, e.aggregate_type, e.aggregate_id, e.payload
		FROM domain_events e
		WHERE e.tenant_id = $1 AND e.seq > $2 AND (coalesce(cardinality($3::text[]), 0) = 0 OR e.type = ANY($3))
		  AND EXISTS (SELECT 1 FROM unnest($4::bigint[], $5::bigint[]) AS s(lo, hi) WHERE e.seq BETWEEN s.lo AND s.hi)
		ORDER BY e.seq LIMIT $6`,
		tx.TenantID(), after, types, from, to, limit)
	return out, err
}
