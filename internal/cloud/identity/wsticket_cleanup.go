package identity

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/monozu/monozu/internal/platform/database"
)

// TicketCleanupArgs asks for one pass over expired ticket redemptions of
// every tenant.
type TicketCleanupArgs struct{}

// Kind names the job.
func (TicketCleanupArgs) Kind() string { return "ws_ticket_cleanup" }

// TicketCleanup deletes the redemptions of expired WebSocket tickets
// across tenants on the audited platform role: once a ticket has expired
// it is refused on its expiry alone, so its redemption is no longer needed.
type TicketCleanup struct{ platform *database.Platform }

// NewTicketCleanup wires the job.
func NewTicketCleanup(platform *database.Platform) *TicketCleanup {
	return &TicketCleanup{platform: platform}
}

// Periodic runs the cleanup every hour.
func (c *TicketCleanup) Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return TicketCleanupArgs{}, nil }, nil)
}

// AddWorker registers the job's worker.
func (c *TicketCleanup) AddWorker(workers *river.Workers) {
	river.AddWorker(workers, river.WorkFunc(c.work))
}

func (c *TicketCleanup) work(ctx context.Context, _ *river.Job[TicketCleanupArgs]) error {
	_, err := c.Run(ctx, time.Now())
	return err
}

// Run deletes the redemptions of tickets expired at now and returns how
// many went.
func (c *TicketCleanup) Run(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	op := database.Operation{Name: "identity.ws_ticket_cleanup", Actor: "job:ws_ticket_cleanup"}
	err := c.platform.InPlatform(ctx, op, func(tx *database.Tx) error {
		var err error
		n, err = tx.Exec(ctx, `DELETE FROM ws_ticket_redemptions WHERE expires_at < $1`, now)
		return err
	})
	return n, err
}
