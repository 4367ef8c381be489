package events

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/monozu/monozu/internal/platform/database"
)

// Retained is how long events stay in the outbox: long after every
// consumer has read them (they follow NOTIFY within seconds, or catch up
// after an outage by seq), short enough that the table stays small.
const Retained = 30 * 24 * time.Hour

// retentionBatch bounds one delete so a first pass never holds long locks.
const retentionBatch = 10_000

// RetentionArgs asks for one pass over every tenant's old events.
type RetentionArgs struct{}

// Kind names the job.
func (RetentionArgs) Kind() string { return "events_retention" }

// Retention deletes events older than Retained across tenants, on the
// audited platform role (each batch is recorded in platform_audit).
type Retention struct{ platform *database.Platform }

// NewRetention wires the job.
func NewRetention(platform *database.Platform) *Retention { return &Retention{platform: platform} }

// Periodic runs a pass every hour.
func (r *Retention) Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return RetentionArgs{}, nil }, nil)
}

// AddWorker registers the job's worker.
func (r *Retention) AddWorker(workers *river.Workers) {
	river.AddWorker(workers, river.WorkFunc(r.work))
}

func (r *Retention) work(ctx context.Context, _ *river.Job[RetentionArgs]) error {
	_, err := r.Run(ctx, time.Now())
	return err
}

// Run deletes the events older than Retained at now, in batches, and
// returns how many went.
func (r *Retention) Run(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for {
		var n int64
		op := database.Operation{Name: "events.retention", Actor: "job:events_retention",
			Detail: fmt.Sprintf("batch after %d deleted", total)}
		err := r.platform.InPlatform(ctx, op, func(tx *database.Tx) error {
			var err error
			n, err = tx.Exec(ctx, `
				WITH doomed AS (SELECT tenant_id, id FROM domain_events WHERE created_at < $1 LIMIT $2)
				DELETE FROM domain_events e USING doomed d WHERE e.tenant_id = d.tenant_id AND e.id = d.id`,
				now.Add(-Retained), retentionBatch)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < retentionBatch {
			return total, nil
		}
	}
}
