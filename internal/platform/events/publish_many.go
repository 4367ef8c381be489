package events

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
)

// PublishMany writes es in tx's tenant with one statement and queues one
// notification per event type for the whole range of sequence numbers the
// batch took (FromSeq..Seq), so a batch of a thousand alerts is one NOTIFY,
// not a thousand. Like Publish, nothing is announced unless tx commits.
func PublishMany(ctx context.Context, tx *database.Tx, es []Event) error {
	if len(es) == 0 {
		return nil
	}
	types, aggTypes := make([]string, len(es)), make([]string, len(es))
	aggIDs, payloads := make([]uuid.UUID, len(es)), make([]string, len(es))
	for i, e := range es {
		payload, err := json.Marshal(e.Payload)
		if err != nil {
			return fmt.Errorf("event %s: %w", e.Type, err)
		}
		if len(payload) == 0 || payload[0] != '{' {
			return fmt.Errorf("event %s: payload must be a JSON object", e.Type)
		}
		types[i], aggTypes[i], aggIDs[i], payloads[i] = e.Type, e.AggregateType, e.AggregateID, string(payload)
	}
	var ranges []struct {
		Type    string `db:"type"`
		FromSeq int64  `db:"from_seq"`
		Seq     int64  `db:"seq"`
	}
	if err := tx.Select(ctx, &ranges, `WITH inserted AS (
			INSERT INTO domain_events (tenant_id, type, aggregate_type, aggregate_id, payload)
			SELECT $1, e.type, e.aggregate_type, e.aggregate_id, e.payload::jsonb
			FROM unnest($2::text[], $3::text[], $4::uuid[], $5::text[]) WITH ORDINALITY
				AS e(type, aggregate_type, aggregate_id, payload, n)
			ORDER BY e.n
			RETURNING type, seq)
		SELECT type, min(seq) AS from_seq, max(seq) AS seq FROM inserted GROUP BY type ORDER BY min(seq)`,
		tx.TenantID(), types, aggTypes, database.UUIDs(aggIDs), payloads); err != nil {
		return err
	}
	notes := make([]string, len(ranges))
	for i, r := range ranges {
		note, err := json.Marshal(Notification{TenantID: tx.TenantID(), FromSeq: r.FromSeq, Seq: r.Seq, Type: r.Type})
		if err != nil {
			return err
		}
		notes[i] = string(note)
	}
	_, err := tx.Exec(ctx, `SELECT pg_notify($1, n) FROM unnest($2::text[]) AS n`, Channel, notes)
	return err
}
