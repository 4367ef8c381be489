package idempotency

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/monozu/monozu/internal/platform/database"
)

// Lifetime is how long a key answers retries.
const Lifetime = 24 * time.Hour

// CleanupArgs asks for one pass over expired keys of every tenant.
type CleanupArgs struct{}

// Kind names the job.
func (CleanupArgs) Kind() string { return "idempotency_cleanup" }

// Cleanup deletes expired keys across tenants on the audited platform role.
type Cleanup struct{ platform *database.Platform }

// NewCleanup wires the job.
func NewCleanup(platform *database.Platform) *Cleanup { return &Cleanup{platform: platform} }

// Periodic runs the cleanup every hour.
func (c *Cleanup) Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return CleanupArgs{}, nil }, nil)
}

// AddWorker registers the job's worker.
func (c *Cleanup) AddWorker(workers *river.Workers) { river.AddWorker(workers, river.WorkFunc(c.work)) }

func (c *Cleanup) work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	_, err := c.Run(ctx, time.Now())
	return err
}

// Run deletes keys older than Lifetime at now and returns how many.
func (c *Cleanup) Run(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	op := database.Operation{Name: "idempotency.cleanup", Actor: "job:idempotency_cleanup"}
	err := c.platform.InPlatform(ctx, op, func(tx *database.Tx) error {
		var err error
		n, err = tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, now.Add(-Lifetime))
		return err
	})
	return n, err
}
