package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Discovery events reach the CMDB through a job: Reconcile runs its own
// transaction, and the batch must stay atomic, so the ingest transaction
// only enqueues a job naming the new events (it exists exactly when they
// do) and the job reads them back and reconciles them.

// DiscoveryArgs names up to cmdb.MaxObservationsPerCall new discovery
// events of one device.
type DiscoveryArgs struct {
	TenantID uuid.UUID   `json:"tenant_id"`
	DeviceID uuid.UUID   `json:"device_id"`
	SiteID   uuid.UUID   `json:"site_id"`
	EventIDs []uuid.UUID `json:"event_ids"`
	// From and To bound the events' timestamps, so the read-back touches
	// only their partitions.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Kind names the job.
func (DiscoveryArgs) Kind() string { return "ingest_discovery" }

// Reconciler is the CMDB's discovery reconciliation (cmdb.Service).
type Reconciler interface {
	Reconcile(ctx context.Context, siteID, deviceID uuid.UUID, observed []cmdb.Observation) (cmdb.ReconcileResult, error)
}

// DiscoveryWorker reconciles the discovery events the ingestor stored. It
// runs where the CMDB is: the Cloud API's job queue.
type DiscoveryWorker struct {
	river.WorkerDefaults[DiscoveryArgs]
	db  *database.DB
	rec Reconciler
	log zerolog.Logger
}

// NewDiscoveryWorker wires the worker.
func NewDiscoveryWorker(db *database.DB, rec Reconciler, log zerolog.Logger) *DiscoveryWorker {
	return &DiscoveryWorker{db: db, rec: rec, log: log}
}

// AddWorker registers the worker.
func (w *DiscoveryWorker) AddWorker(workers *river.Workers) { river.AddWorker(workers, w) }

// Work reads the events back in the tenant and hands them to Reconcile.
func (w *DiscoveryWorker) Work(ctx context.Context, job *river.Job[DiscoveryArgs]) error {
	a := job.Args
	ctx = auth.WithPrincipal(ctx, auth.System(a.TenantID))
	var rows []struct {
		TS   time.Time       `db:"ts"`
		Data json.RawMessage `db:"data"`
	}
	err := w.db.InTenant(ctx, func(tx *database.Tx) error {
		return tx.Select(ctx, &rows, `SELECT ts, data FROM ingest_events
			WHERE tenant_id = $1 AND device_id = $2 AND id = ANY($3::uuid[]) AND ts BETWEEN $4 AND $5 AND kind = 'discovery'
			ORDER BY ts, id`, a.TenantID, a.DeviceID, a.EventIDs, a.From, a.To)
	})
	if err != nil {
		return err
	}
	observed := make([]cmdb.Observation, 0, len(rows))
	for _, r := range rows {
		var d Discovery
		if err := json.Unmarshal(r.Data, &d); err != nil {
			return river.JobCancel(fmt.Errorf("a stored discovery event is unreadable: %w", err))
		}
		observed = append(observed, d.observation(r.TS))
	}
	if len(observed) == 0 {
		return nil // removed by retention before the job ran
	}
	res, err := w.rec.Reconcile(ctx, a.SiteID, a.DeviceID, observed)
	if errs.Is(err, errs.KindNotFound) {
		// The site was deleted meanwhile: nothing to reconcile against.
		w.log.Warn().Str("tenant_id", a.TenantID.String()).Str("site_id", a.SiteID.String()).
			Msg("discovery events of a deleted site were not reconciled")
		return nil
	}
	if err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		w.log.Warn().Str("tenant_id", a.TenantID.String()).Str("device_id", a.DeviceID.String()).
			Int("refused", len(res.Errors)).Interface("first", res.Errors[0]).Msg("discovery observations refused by the CMDB")
	}
	return nil
}

// observation is the CMDB's view of a discovery event. The CMDB keeps one
// answering protocol: the first the device named.
func (d Discovery) observation(at time.Time) cmdb.Observation {
	o := cmdb.Observation{ObservedAt: at, IP: d.IP, MAC: d.MAC, Hostname: d.Hostname, OpenPorts: d.OpenPorts,
		Vendor: d.Vendor, Model: d.Model, FirmwareVersion: d.Firmware, SerialNumber: d.Serial, Identity: d.Identity}
	if len(d.Protocols) > 0 {
		o.Protocol = d.Protocols[0]
	}
	return o
}

// discoveryJobs splits a batch's new discovery events into jobs of at most
// cmdb.MaxObservationsPerCall.
func discoveryJobs(tenantID uuid.UUID, device deviceRef, events []parsedEvent) []DiscoveryArgs {
	var jobs []DiscoveryArgs
	for start := 0; start < len(events); start += cmdb.MaxObservationsPerCall {
		chunk := events[start:min(start+cmdb.MaxObservationsPerCall, len(events))]
		a := DiscoveryArgs{TenantID: tenantID, DeviceID: device.id, SiteID: *device.site,
			EventIDs: make([]uuid.UUID, len(chunk)), From: chunk[0].ts, To: chunk[0].ts}
		for i, e := range chunk {
			a.EventIDs[i] = e.id
			if e.ts.Before(a.From) {
				a.From = e.ts
			}
			if e.ts.After(a.To) {
				a.To = e.ts
			}
		}
		jobs = append(jobs, a)
	}
	return jobs
}
