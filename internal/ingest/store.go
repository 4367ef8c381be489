package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/security"
	"github.com/monozu/monozu/internal/platform/database"
)

// Every statement takes whole columns as array parameters (one round trip
// per table and batch); COPY is refused under row-level security. JSON
// travels as text[] and is cast per row: casting the whole array
// (text[]::jsonb[]) is ten times slower in PostgreSQL.

// InsertEventsSQL keeps the raw events; a conflict on (tenant, device, ts,
// id) is a replay. It answers one row: how many were stored and, only when
// that is not all of them, the ids of those that were (as array text), so
// the common case reads no ids back. Telemetry samples and log lines are
// read through typed views over these rows (migration 00008), so this one
// insert stores them. The benchmark's baseline runs this statement and
// InsertAlertsSQL too.
const InsertEventsSQL = `WITH stored AS (
		INSERT INTO ingest_events (tenant_id, id, device_id, ts, kind, data)
		SELECT $1, e.id, $2, e.ts, e.kind, e.data::json
		FROM unnest($3::uuid[], $4::timestamptz[], $5::text[], $6::text[]) AS e(id, ts, kind, data)
		ON CONFLICT DO NOTHING RETURNING id)
	SELECT count(*) AS stored, CASE WHEN count(*) < cardinality($3::uuid[]) THEN array_agg(id)::text END AS ids FROM stored`

// StoredEvents is InsertEventsSQL's answer.
type StoredEvents struct {
	Count int     `db:"stored"`
	IDs   *string `db:"ids"` // {id,id,…} when Count is not the whole batch
}

// InsertAlertsSQL writes security alerts and returns each new one as the
// alert API shows it (security.Alert). Absent values arrive as ” (texts, ids) and -1 (ports).
const InsertAlertsSQL = `INSERT INTO security_alerts (tenant_id, device_id, event_id, site_id, asset_id, title, severity,
		category, source_ip, destination_ip, source_port, destination_port, protocol, description, signature_id, observed_at)
	SELECT $1, $2, a.event_id, $3, NULLIF(a.asset_id, '')::uuid, a.title, a.severity, a.category,
		NULLIF(a.source_ip, '')::inet, NULLIF(a.destination_ip, '')::inet, NULLIF(a.source_port, -1), NULLIF(a.destination_port, -1),
		a.protocol, a.description, a.signature_id, a.observed_at
	FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::integer[],
		$12::integer[], $13::text[], $14::text[], $15::text[], $16::timestamptz[])
		AS a(event_id, asset_id, title, severity, category, source_ip, destination_ip, source_port, destination_port,
			protocol, description, signature_id, observed_at)
	ON CONFLICT (tenant_id, device_id, event_id) WHERE event_id IS NOT NULL DO NOTHING
	RETURNING ` + security.AlertColumns

// eventColumns are a batch's events as the columns of InsertEventsSQL.
type eventColumns struct {
	ids   []uuid.UUID
	ts    []time.Time
	kinds []string
	data  []string
}

func columnsOf(events []parsedEvent) eventColumns {
	c := eventColumns{ids: make([]uuid.UUID, len(events)), ts: make([]time.Time, len(events)),
		kinds: make([]string, len(events)), data: make([]string, len(events))}
	for i, e := range events {
		c.ids[i], c.ts[i], c.kinds[i], c.data[i] = e.id, e.ts, string(e.kind), string(e.data)
	}
	return c
}

// insertEvents stores the batch's raw events (c are its columns) and
// returns those that were new, in batch order.
func insertEvents(ctx context.Context, tx *database.Tx, deviceID uuid.UUID, batch []parsedEvent, c eventColumns) ([]parsedEvent, error) {
	var r StoredEvents
	if err := tx.Get(ctx, &r, InsertEventsSQL, tx.TenantID(), deviceID, database.UUIDs(c.ids), c.ts, c.kinds, c.data); err != nil {
		return nil, err
	}
	switch {
	case r.Count == len(batch): // no replay: the common case
		return batch, nil
	case r.Count == 0:
		return nil, nil
	case r.IDs == nil:
		return nil, fmt.Errorf("ingest: %d of %d events stored but no ids answered", r.Count, len(batch))
	}
	stored := make(map[uuid.UUID]struct{}, r.Count)
	for _, text := range strings.Split(strings.Trim(*r.IDs, "{}"), ",") {
		id, err := uuid.Parse(text)
		if err != nil {
			return nil, fmt.Errorf("ingest: reading the stored ids: %w", err)
		}
		stored[id] = struct{}{}
	}
	fresh := make([]parsedEvent, 0, r.Count)
	for _, e := range batch {
		if _, ok := stored[e.id]; ok {
			fresh = append(fresh, e)
		}
	}
	return fresh, nil
}

// insertDeviceLog writes one line of the ingestor's own into the device's
// log (e.g. why its discovery was not applied): a log event with a new id.
func insertDeviceLog(ctx context.Context, tx *database.Tx, deviceID uuid.UUID, at time.Time, level, message string) error {
	data, err := json.Marshal(Log{Level: level, Message: message, Source: "ingest"})
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO ingest_events (tenant_id, id, device_id, ts, kind, data)
		VALUES ($1, $2, $3, $4, 'log', $5::json)`, tx.TenantID(), uuid.New(), deviceID, at.UTC().Truncate(time.Microsecond), string(data))
	return err
}

// insertAlerts writes the alerts of events, assetOf naming each one's
// asset, and returns those that were new.
func insertAlerts(ctx context.Context, tx *database.Tx, device deviceRef, events []parsedEvent, assetOf []string) ([]security.Alert, error) {
	n := len(events)
	ids, at := make([]uuid.UUID, n), make([]time.Time, n)
	title, severity, category := make([]string, n), make([]string, n), make([]string, n)
	srcIP, dstIP, srcPort, dstPort := make([]string, n), make([]string, n), make([]int32, n), make([]int32, n)
	protocol, description, signature := make([]string, n), make([]string, n), make([]string, n)
	for i, e := range events {
		a := e.payload.(*SecurityAlert)
		ids[i], at[i], title[i], severity[i], category[i] = e.id, e.ts, a.Title, a.Severity, a.Category
		srcIP[i], dstIP[i], srcPort[i], dstPort[i] = a.SourceIP, a.DestinationIP, portOrNone(a.SourcePort), portOrNone(a.DestinationPort)
		protocol[i], description[i], signature[i] = a.Protocol, a.Description, a.SignatureID
	}
	var out []security.Alert
	err := tx.Select(ctx, &out, InsertAlertsSQL, tx.TenantID(), device.id, device.site, database.UUIDs(ids), assetOf, title, severity,
		category, srcIP, dstIP, srcPort, dstPort, protocol, description, signature, at)
	return out, err
}

func portOrNone(p *int) int32 {
	if p == nil {
		return -1
	}
	return int32(*p)
}

// deviceRef is the device a batch came from.
type deviceRef struct {
	id   uuid.UUID
	site *uuid.UUID
}
