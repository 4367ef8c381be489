package cmdb

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/auditlog"
	"github.com/monozu/monozu/internal/platform/database"
)

// AuditTrail reads the audit log (the auditlog context's service).
type AuditTrail interface {
	List(ctx context.Context, f auditlog.Filter, after *auditlog.Position, limit int) ([]auditlog.Entry, error)
}

// TimelineItem is one event in an asset's life: a change people (or
// imports and reviews) made, from the audit log, or something discovery
// observed.
type TimelineItem struct {
	ID         uuid.UUID                  `json:"id"`
	At         time.Time                  `json:"at"`
	Kind       string                     `json:"kind" enum:"change observation"`
	Summary    string                     `json:"summary"`
	Action     string                     `json:"action,omitempty" doc:"the audit action of a change"`
	Actor      *auditlog.Actor            `json:"actor,omitempty"`
	Changes    map[string]json.RawMessage `json:"changes,omitempty" doc:"a change's fields, each {before, after}"`
	Attributes map[string]any             `json:"attributes,omitempty" doc:"what an observation saw"`
}

type observationRow struct {
	ID         uuid.UUID                     `db:"id"`
	At         time.Time                     `db:"observed_at"`
	Attributes database.JSON[map[string]any] `db:"attributes"`
}

// Timeline reads up to limit+1 events of an asset before the position (nil
// for the newest), newest first: the audit log and discovery observations
// merged by time.
func (s *Service) Timeline(ctx context.Context, assetID uuid.UUID, before *auditlog.Position, limit int) ([]TimelineItem, error) {
	var observations []observationRow
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		if _, err := assetByID(ctx, tx, assetID, false); err != nil {
			return err
		}
		at, id := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), uuid.Max
		if before != nil {
			at, id = before.At, before.ID
		}
		return tx.Select(ctx, &observations, `SELECT id, observed_at, attributes FROM asset_observations
			WHERE tenant_id = $1 AND asset_id = $2 AND (observed_at, id) < ($3, $4)
			ORDER BY observed_at DESC, id DESC LIMIT $5`, tx.TenantID(), assetID, at, id, limit+1)
	})
	if err != nil {
		return nil, err
	}
	entries, err := s.trail.List(ctx, auditlog.Filter{ResourceType: "asset", ResourceID: assetID.String()}, before, limit)
	if err != nil {
		return nil, err
	}
	items := make([]TimelineItem, 0, len(entries)+len(observations))
	for _, e := range entries {
		actor := e.Actor
		items = append(items, TimelineItem{ID: e.ID, At: e.At, Kind: "change", Summary: e.Summary, Action: e.Action,
			Actor: &actor, Changes: e.Changes})
	}
	for _, o := range observations {
		items = append(items, TimelineItem{ID: o.ID, At: o.At, Kind: "observation",
			Summary: "Discovery observed " + observedSummary(o.Attributes.V), Attributes: o.Attributes.V})
	}
	slices.SortFunc(items, func(a, b TimelineItem) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return strings.Compare(b.ID.String(), a.ID.String())
	})
	return items[:min(len(items), limit+1)], nil
}

// observedSummary names what an observation saw, in a stable order.
func observedSummary(attrs map[string]any) string {
	var parts []string
	for _, k := range []string{"ip", "mac", "hostname", "vendor", "model", "firmware_version", "serial_number"} {
		if v, ok := attrs[k].(string); ok && v != "" {
			parts = append(parts, k+" "+v)
		}
	}
	if len(parts) == 0 {
		return "the device"
	}
	return strings.Join(parts, ", ")
}
