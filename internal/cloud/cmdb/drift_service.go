package cmdb

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/events"
)

// Event types the CMDB publishes for discovery (payloads documented in
// docs/cmdb.md).
const (
	EventDriftOpened      = "cmdb.drift_opened"
	EventDeviceDiscovered = "cmdb.device_discovered"
)

// driftOpenedPayload is the payload of cmdb.drift_opened.
type driftOpenedPayload struct {
	DriftID  uuid.UUID `json:"drift_id"`
	AssetID  uuid.UUID `json:"asset_id"`
	SiteID   uuid.UUID `json:"site_id"`
	Field    string    `json:"field"`
	Intended string    `json:"intended"`
	Observed string    `json:"observed"`
}

// driftReconcile compares the observed values of the drifting fields
// (field → observed, as discoveryFieldRule chose them) with the values
// recorded on an asset (intended, by field). open holds the asset's open
// records by field and gains those opened here. An open record is
// refreshed, a value people dismissed stays dismissed, any other
// difference opens a record and publishes cmdb.drift_opened. It returns
// how many opened.
func driftReconcile(ctx context.Context, tx *database.Tx, assetID, siteID uuid.UUID, intendedValues, drifting map[string]string,
	open map[string]uuid.UUID, at time.Time) (int, error) {
	opened := 0
	for _, field := range driftFields {
		observed, ok := drifting[field]
		if !ok {
			continue
		}
		intended := intendedValues[field]
		openID, hasOpen := open[field]
		last := ""
		if !hasOpen {
			var err error
			if last, err = driftLastStatusFor(ctx, tx, assetID, field, observed); err != nil {
				return opened, err
			}
		}
		switch discoveryDriftRule(hasOpen, last) {
		case discoveryDriftRefresh:
			if err := driftRefresh(ctx, tx, openID, intended, observed, at); err != nil {
				return opened, err
			}
		case discoveryDriftOpen:
			id, err := driftInsert(ctx, tx, assetID, field, intended, observed, at)
			if err != nil {
				return opened, err
			}
			open[field] = id
			opened++
			if err := events.Publish(ctx, tx, events.Event{Type: EventDriftOpened, AggregateType: "asset", AggregateID: assetID,
				Payload: driftOpenedPayload{DriftID: id, AssetID: assetID, SiteID: siteID, Field: field, Intended: intended, Observed: observed}}); err != nil {
				return opened, err
			}
		}
	}
	return opened, nil
}

// Drift reads up to limit+1 drift records past after (nil for the first
// page), newest first.
func (s *Service) Drift(ctx context.Context, f DriftFilter, after *driftKey, limit int) ([]DriftRecord, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]DriftRecord, error) {
		return driftList(ctx, tx, f, after, limit)
	})
}

// AcceptDrift makes the observed value the asset's own (a new version of
// the asset) and closes the record.
func (s *Service) AcceptDrift(ctx context.Context, id uuid.UUID) (DriftRecord, error) {
	return s.resolveDrift(ctx, id, DriftAccepted)
}

// DismissDrift closes the record and leaves the asset as it is; the same
// observed value does not open drift again.
func (s *Service) DismissDrift(ctx context.Context, id uuid.UUID) (DriftRecord, error) {
	return s.resolveDrift(ctx, id, DriftDismissed)
}

func (s *Service) resolveDrift(ctx context.Context, id uuid.UUID, status string) (DriftRecord, error) {
	var d DriftRecord
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		// The asset is locked before its drift, in the order discovery
		// takes them.
		peek, err := driftByID(ctx, tx, id, false)
		if err != nil {
			return err
		}
		before, err := assetByID(ctx, tx, peek.AssetID, true)
		if err != nil {
			return err
		}
		if d, err = driftByID(ctx, tx, id, true); err != nil {
			return err
		}
		if d.Status != DriftOpen {
			return errDriftNotOpen
		}
		rec := audit.Record{Action: "assets.drift_dismiss", ResourceType: "asset", ResourceID: before.ID.String(),
			Summary: "Drift of " + d.Field + " on " + before.Name + " dismissed: recorded " + driftQuote(d.Intended) + ", observed " + driftQuote(d.Observed)}
		if status == DriftAccepted {
			in := inputOf(before)
			setIntendedValue(&in, d.Field, d.Observed)
			if in, err = in.normalized(before.Lifecycle == LifecycleDiscovered); err != nil {
				return err
			}
			changes := assetChanges(inputOf(before), in)
			if len(changes) > 0 {
				if err := updateAsset(ctx, tx, before.ID, in); err != nil {
					return err
				}
			}
			rec = audit.Record{Action: "assets.drift_accept", ResourceType: "asset", ResourceID: before.ID.String(),
				Summary: "Observed " + d.Field + " " + driftQuote(d.Observed) + " accepted on " + before.Name, Changes: changes}
		}
		if err := driftResolve(ctx, tx, id, status, driftActor(ctx)); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, rec); err != nil {
			return err
		}
		d, err = driftByID(ctx, tx, id, false)
		return err
	})
	return d, err
}

// driftActor is the user resolving drift (nil for the system).
func driftActor(ctx context.Context) *uuid.UUID {
	p, ok := auth.PrincipalFrom(ctx)
	if !ok || p.ActorID == uuid.Nil || p.Kind != auth.KindUser {
		return nil
	}
	id := p.ActorID
	return &id
}

func driftQuote(v string) string {
	if v == "" {
		return "(none)"
	}
	return `"` + clipText(v, 80) + `"`
}

// DriftPanel is the asset detail's "drift" panel: the asset's open drift
// records. Register it with AddAssetPanel.
func (s *Service) DriftPanel() AssetPanel { return driftPanel{} }

type driftPanel struct{}

func (driftPanel) PanelName() string { return "drift" }

func (driftPanel) LoadPanel(ctx context.Context, tx *database.Tx, assetID uuid.UUID) (any, error) {
	return driftOpenOfAsset(ctx, tx, assetID)
}
