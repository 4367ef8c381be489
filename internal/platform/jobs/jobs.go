// Package jobs runs background work on PostgreSQL with River: jobs are
// enqueued in the same transaction as the change that needs them, retried
// with backoff, and periodic jobs run on one leader. Job arguments carry the
// tenant id; a worker opens its own tenant transaction.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/monozu/monozu/internal/platform/database"
)

// SchemaVersion pins River's schema: migrate brings the database to exactly
// this version, so a library upgrade never changes the schema unannounced.
const SchemaVersion = 8

// Migrate brings River's tables to SchemaVersion. migrate runs it as the
// owner role, after the SQL migrations.
func Migrate(ctx context.Context, db *sql.DB) ([]int, error) {
	m, err := rivermigrate.New(riverdatabasesql.New(db), nil)
	if err != nil {
		return nil, err
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{TargetVersion: SchemaVersion})
	if err != nil {
		return nil, fmt.Errorf("job queue schema: %w", err)
	}
	var versions []int
	for _, v := range res.Versions {
		versions = append(versions, v.Version)
	}
	return versions, nil
}

// Grants are the statements giving role the job queue's tables.
func Grants(ctx context.Context, db *sql.DB, role string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO %I', tablename, $1::text)
		FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'river\_%'
		UNION ALL
		SELECT format('GRANT USAGE, SELECT, UPDATE ON SEQUENCE %I TO %I', sequencename, $1::text)
		FROM pg_sequences WHERE schemaname = 'public' AND sequencename LIKE 'river\_%'`, role)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var stmts []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		stmts = append(stmts, s)
	}
	return stmts, rows.Err()
}

// Options shape a queue.
type Options struct {
	// Workers registered here make the queue work jobs; nil only enqueues.
	Workers  *river.Workers
	Periodic []*river.PeriodicJob
	// MaxWorkers is the concurrency of the default queue.
	MaxWorkers int
	// PollInterval is how often idle workers look for jobs (database/sql
	// cannot LISTEN, so the queue polls); one second when zero.
	PollInterval time.Duration
}

// Queue enqueues jobs and, when it has workers, works them.
type Queue struct {
	client  *river.Client[*sql.Tx]
	working bool
}

// New builds a queue on the app role's pool.
func New(db *database.DB, opts Options) (*Queue, error) {
	cfg := &river.Config{
		Logger:                      slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		CompletedJobRetentionPeriod: time.Hour,
		MaxAttempts:                 12,
	}
	working := opts.Workers != nil
	if working {
		cfg.Workers = opts.Workers
		cfg.PeriodicJobs = opts.Periodic
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max(opts.MaxWorkers, 1)}}
		cfg.PollOnly = true
		cfg.FetchPollInterval = time.Second
		if opts.PollInterval > 0 {
			cfg.FetchPollInterval = max(opts.PollInterval, 50*time.Millisecond)
		}
		cfg.FetchCooldown = min(cfg.FetchPollInterval, 100*time.Millisecond)
	}
	client, err := river.NewClient(riverdatabasesql.New(db.JobQueuePool()), cfg)
	if err != nil {
		return nil, err
	}
	return &Queue{client: client, working: working}, nil
}

// AddPeriodic schedules a periodic job after the queue was built, for
// workers whose dependencies need the queue first.
func (q *Queue) AddPeriodic(job *river.PeriodicJob) { q.client.PeriodicJobs().Add(job) }

// Enqueue adds a job inside tx: it runs only if tx commits.
func (q *Queue) Enqueue(ctx context.Context, tx *database.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	_, err := q.client.InsertTx(ctx, tx.JobQueueTx(), args, opts)
	return err
}

// Run works jobs until ctx ends, then lets running jobs finish for up to
// drain before cancelling them.
func (q *Queue) Run(ctx context.Context, drain time.Duration) error {
	if !q.working {
		return errors.New("this queue has no workers")
	}
	if err := q.client.Start(ctx); err != nil {
		if ctx.Err() != nil { // stopped before it got going: nothing ran
			return nil
		}
		return err
	}
	<-ctx.Done()
	stopCtx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := q.client.Stop(stopCtx); err != nil {
		return q.client.StopAndCancel(context.Background())
	}
	return nil
}

// RunBeside works jobs while serve runs (an HTTP server), and stops and
// drains both when ctx ends or serve returns.
func (q *Queue) RunBeside(ctx context.Context, serve func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx, 20*time.Second) }()
	serveErr := serve(ctx)
	cancel()
	return errors.Join(serveErr, <-done)
}
