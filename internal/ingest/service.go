package ingest

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/cloud/security"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/events"
	"github.com/monozu/monozu/internal/platform/jobs"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// Licences tells which optional modules the tenant on ctx has.
type Licences interface {
	Enabled(ctx context.Context) (map[rbac.Feature]bool, error)
}

// Assets resolves addresses to the CMDB's assets of a site, in the
// caller's transaction (cmdb.Service).
type Assets interface {
	AssetsByIP(ctx context.Context, tx *database.Tx, siteID uuid.UUID, ips []string) (map[string]uuid.UUID, error)
}

// Samples hears each stored batch's newest telemetry sample
// (edge.LastSeen, which writes it as the device's latest with its
// last-seen time).
type Samples interface {
	Telemetry(d edge.DeviceIdentity, sample json.RawMessage, at time.Time)
}

// Service stores batches.
type Service struct {
	db       *database.DB
	licences Licences
	assets   Assets
	queue    *jobs.Queue
	samples  Samples
	now      func() time.Time
}

// NewService wires the ingest use case. queue only enqueues discovery
// jobs (the Cloud API works them).
func NewService(db *database.DB, licences Licences, assets Assets, queue *jobs.Queue, samples Samples) *Service {
	return &Service{db: db, licences: licences, assets: assets, queue: queue, samples: samples, now: time.Now}
}

var errBackupNotLicensed = errs.New(errs.KindFeatureDisabled,
	"The organisation's licence does not include the backup module; backup events are refused.").WithCode("feature_disabled")

// noSiteMessage is the device log line written instead of reconciling
// discovery from a device without a site.
const noSiteMessage = "Discovery results were not added to the CMDB: this device is not assigned to a site."

// Store keeps a valid batch of the device (whose principal is on ctx) in
// one tenant transaction: all of it or none. Events stored before (a
// replay) are skipped, so nothing is stored twice.
func (s *Service) Store(ctx context.Context, device edge.DeviceIdentity, batch []parsedEvent) error {
	if len(batch) == 0 {
		return nil
	}
	for _, e := range batch {
		if e.kind == KindBackupEvent {
			enabled, err := s.licences.Enabled(ctx)
			if err != nil {
				return err
			}
			if !enabled[rbac.FeatureBackup] {
				return errBackupNotLicensed
			}
			break
		}
	}
	ref := deviceRef{id: device.DeviceID, site: device.SiteID}
	cols := columnsOf(batch)
	var newest *parsedEvent // the newest new telemetry sample
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		newest = nil
		fresh, err := insertEvents(ctx, tx, ref.id, batch, cols)
		if err != nil || len(fresh) == 0 {
			return err
		}
		byKind := map[Kind][]parsedEvent{}
		for _, e := range fresh {
			byKind[e.kind] = append(byKind[e.kind], e)
		}
		for i, e := range byKind[KindTelemetry] {
			if newest == nil || e.ts.After(newest.ts) {
				newest = &byKind[KindTelemetry][i]
			}
		}
		if rows := byKind[KindSecurityAlert]; len(rows) > 0 {
			if err := s.raiseAlerts(ctx, tx, ref, rows); err != nil {
				return err
			}
		}
		if rows := byKind[KindDiscovery]; len(rows) > 0 {
			if ref.site == nil {
				return insertDeviceLog(ctx, tx, ref.id, s.now(), "warn", noSiteMessage)
			}
			for _, args := range discoveryJobs(tx.TenantID(), ref, rows) {
				if err := s.queue.Enqueue(ctx, tx, args, nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil && newest != nil {
		s.samples.Telemetry(device, newest.data, newest.ts)
	}
	return err
}

// raiseAlerts writes the alerts, each with its asset when one of its
// addresses belongs to an asset of the device's site, and publishes one
// domain event per alert that is new.
func (s *Service) raiseAlerts(ctx context.Context, tx *database.Tx, device deviceRef, rows []parsedEvent) error {
	assetOf := make([]string, len(rows))
	if device.site != nil {
		var ips []string
		for _, e := range rows {
			ips = append(ips, e.payload.(*SecurityAlert).assetIPs()...)
		}
		if len(ips) > 0 {
			found, err := s.assets.AssetsByIP(ctx, tx, *device.site, ips)
			if err != nil {
				return err
			}
			for i, e := range rows {
				for _, ip := range e.payload.(*SecurityAlert).assetIPs() {
					if id, ok := found[ip]; ok {
						assetOf[i] = id.String()
						break
					}
				}
			}
		}
	}
	alerts, err := insertAlerts(ctx, tx, device, rows, assetOf)
	if err != nil {
		return err
	}
	raised := make([]events.Event, len(alerts))
	for i, a := range alerts {
		raised[i] = security.AlertRaised(a)
	}
	return events.PublishMany(ctx, tx, raised)
}
