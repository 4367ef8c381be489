package auditlog

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/monozu/monozu/internal/platform/database"
)

// RetentionArgs asks for one pass of audit retention over every tenant.
type RetentionArgs struct{}

// Kind names the job.
func (RetentionArgs) Kind() string { return "audit_retention" }

// retentionBatch bounds one delete so a first pass over years of records
// never holds long locks.
const retentionBatch = 10_000

// Retention deletes audit records older than each tenant's
// audit_retention_days. It works across tenants, so it runs on the audited
// platform role; each batch is recorded in platform_audit.
type Retention struct {
	platform *database.Platform
	now      func() time.Time
}

// NewRetention wires the job.
func NewRetention(platform *database.Platform) *Retention {
	return &Retention{platform: platform, now: time.Now}
}

// Periodic schedules a pass every day, and one at start.
func (r *Retention) Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return RetentionArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

// Work runs one pass as a job.
func (r *Retention) Work(ctx context.Context, _ *river.Job[RetentionArgs]) error {
	_, err := r.Run(ctx)
	return err
}

// Run deletes expired records in batches and returns how many went.
func (r *Retention) Run(ctx context.Context) (int64, error) {
	cutoff := r.now()
	var total int64
	for {
		var n int64
		op := database.Operation{Name: "audit.retention", Actor: "job:audit_retention",
			Detail: fmt.Sprintf("batch after %d deleted", total)}
		err := r.platform.InPlatform(ctx, op, func(tx *database.Tx) error {
			var err error
			n, err = tx.Exec(ctx, `
				WITH doomed AS (
					SELECT a.tenant_id, a.id FROM audit_log a
					JOIN tenant_settings s ON s.tenant_id = a.tenant_id
					WHERE a.at < $1::timestamptz - make_interval(days => s.audit_retention_days)
					LIMIT $2)
				DELETE FROM audit_log a USING doomed d WHERE a.tenant_id = d.tenant_id AND a.id = d.id`,
				cutoff, retentionBatch)
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

// AddWorker registers the job's worker.
func (r *Retention) AddWorker(workers *river.Workers) {
	river.AddWorker(workers, river.WorkFunc(r.Work))
}
