package mgmtlink

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Re-synchronisation: the Cloud asks the management plane for a tenant's
// licence and applies it like a push (the same event ids, so nothing is
// applied twice). It catches up on pushes that never arrived.

// ResyncArgs asks for one tenant's licence.
type ResyncArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
}

// Kind names the job.
func (ResyncArgs) Kind() string { return "mgmt_licence_resync" }

// StaleArgs asks for a sweep over tenants whose licence may be stale.
type StaleArgs struct{}

// Kind names the job.
func (StaleArgs) Kind() string { return "mgmt_licence_resync_stale" }

// staleAfter is how old an applied licence may be before the sweep asks
// again; pending tenants are always asked.
const staleAfter = 24 * time.Hour

// Resync pulls one tenant's licence now ("on demand").
func (l *Link) Resync(ctx context.Context, licences *licensing.Service, tenantID uuid.UUID) (licensing.PushOutcome, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.baseURL+"/internal/v1/tenants/"+tenantID.String()+"/license", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+l.token)
	resp, err := l.client.Do(req)
	if err != nil {
		return "", errs.Wrap(errs.KindUnavailable, "The management plane did not answer; try again.", err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return "", errs.New(errs.KindNotFound, "The management plane does not know this organisation.").WithCode("not_managed")
	case resp.StatusCode != http.StatusOK:
		return "", errs.Wrap(errs.KindUnavailable, "The management plane could not answer; try again.",
			fmt.Errorf("status %d: %s", resp.StatusCode, raw))
	}
	var p licensing.Push
	if err := json.Unmarshal(raw, &p); err != nil {
		return "", errs.Wrap(errs.KindUnavailable, "The management plane answered something unexpected.", err)
	}
	if p.TenantID != tenantID {
		return "", errs.New(errs.KindUnavailable, "The management plane answered for another organisation.")
	}
	return licences.ApplyPush(ctx, p)
}

// Resyncer runs re-synchronisation as jobs: a sweep at start and every
// six hours over pending tenants and licences older than a day (listing
// tenants crosses tenants, so it runs on the platform role).
type Resyncer struct {
	link     *Link
	licences *licensing.Service
	platform *database.Platform
}

// NewResyncer wires the jobs.
func NewResyncer(link *Link, licences *licensing.Service, platform *database.Platform) *Resyncer {
	return &Resyncer{link: link, licences: licences, platform: platform}
}

// AddWorkers registers both jobs.
func (r *Resyncer) AddWorkers(workers *river.Workers) {
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[ResyncArgs]) error {
		_, err := r.link.Resync(ctx, r.licences, job.Args.TenantID)
		if errs.Is(err, errs.KindNotFound) {
			return nil // not a managed organisation (for example a development one)
		}
		return err
	}))
	river.AddWorker(workers, river.WorkFunc(r.sweep))
}

// Periodic is the sweep's schedule.
func (r *Resyncer) Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(6*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return StaleArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

func (r *Resyncer) sweep(ctx context.Context, _ *river.Job[StaleArgs]) error {
	op := database.Operation{Name: "licence.resync_sweep", Actor: "job:mgmt_licence_resync_stale"}
	return r.platform.InPlatform(ctx, op, func(tx *database.Tx) error {
		var ids []uuid.UUID
		if err := tx.Select(ctx, &ids, `SELECT t.id FROM tenants t LEFT JOIN tenant_licenses l ON l.tenant_id = t.id
			WHERE t.status = 'pending' OR (t.status <> 'deleted' AND (l.applied_at IS NULL OR l.applied_at < $1))
			LIMIT 1000`, time.Now().Add(-staleAfter)); err != nil {
			return err
		}
		for _, id := range ids {
			if err := r.link.queue.Enqueue(auth.WithPrincipal(ctx, auth.System(id)), tx, ResyncArgs{TenantID: id}, nil); err != nil {
				return err
			}
		}
		return nil
	})
}
