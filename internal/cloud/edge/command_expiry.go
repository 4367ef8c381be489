package edge

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/monozu/monozu/internal/platform/database"
)

// ExpiryArgs asks for one pass over every tenant's overdue commands.
type ExpiryArgs struct{}

// Kind names the job.
func (ExpiryArgs) Kind() string { return "edge_command_expiry" }

// Expiry marks commands expired across tenants, on the audited platform
// role, for devices that stopped polling (a poll expires its own device's).
type Expiry struct{ platform *database.Platform }

// NewExpiry wires the job.
func NewExpiry(platform *database.Platform) *Expiry { return &Expiry{platform: platform} }

// Periodic runs a pass every minute.
func (e *Expiry) Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return ExpiryArgs{}, nil }, nil)
}

// AddWorker registers the job's worker.
func (e *Expiry) AddWorker(workers *river.Workers) { river.AddWorker(workers, river.WorkFunc(e.work)) }

func (e *Expiry) work(ctx context.Context, _ *river.Job[ExpiryArgs]) error {
	_, err := e.Run(ctx, time.Now())
	return err
}

// Run expires the commands overdue at now and returns how many.
func (e *Expiry) Run(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	op := database.Operation{Name: "edge.command_expiry", Actor: "job:edge_command_expiry"}
	err := e.platform.InPlatform(ctx, op, func(tx *database.Tx) error {
		var err error
		n, err = tx.Exec(ctx, `UPDATE edge_commands SET status = 'expired', finished_at = $1, lease_until = NULL
			WHERE `+commandExpired("$1"), now.UTC())
		return err
	})
	return n, err
}
