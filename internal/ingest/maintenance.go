package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/platform/database"
)

// Partition maintenance and retention of ingest_events (which holds the
// telemetry samples and device log lines too), on the audited platform role.
const (
	// PartitionsAhead is how many days of partitions exist ahead of today.
	PartitionsAhead = 7
	// DefaultRetentionDays applies to tenants without settings, and is the
	// least whole-partition retention.
	DefaultRetentionDays = 30
	// retentionBatch bounds one delete statement.
	retentionBatch = 10_000
)

// PartitionsArgs asks for one partition maintenance pass.
type PartitionsArgs struct{}

// Kind names the job.
func (PartitionsArgs) Kind() string { return "ingest_partitions" }

// RetentionArgs asks for one pass of per-tenant retention.
type RetentionArgs struct{}

// Kind names the job.
func (RetentionArgs) Kind() string { return "ingest_retention" }

// Maintenance makes partitions ahead, drops whole old ones and deletes
// each tenant's rows past its retention.
type Maintenance struct {
	platform *database.Platform
	log      zerolog.Logger
}

// NewMaintenance wires the jobs.
func NewMaintenance(platform *database.Platform, log zerolog.Logger) *Maintenance {
	return &Maintenance{platform: platform, log: log}
}

// AddWorkers registers both jobs' workers.
func (m *Maintenance) AddWorkers(workers *river.Workers) {
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[PartitionsArgs]) error {
		_, err := m.Partitions(ctx)
		return err
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[RetentionArgs]) error {
		_, err := m.Retention(ctx, time.Now())
		return err
	}))
}

// Periodic runs both daily and once when the queue starts.
func (m *Maintenance) Periodic() []*river.PeriodicJob {
	opts := &river.PeriodicJobOpts{RunOnStart: true}
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return PartitionsArgs{}, nil }, opts),
		river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return RetentionArgs{}, nil }, opts),
	}
}

// PartitionResult is what one maintenance pass did.
type PartitionResult struct {
	Created  int `db:"created"`
	Dropped  int `db:"dropped"`
	Skipped  int `db:"skipped"`
	KeepDays int `db:"-"`
}

// Partitions makes the next PartitionsAhead days' partitions and drops
// those wholly older than the longest retention any tenant has (at least
// DefaultRetentionDays).
func (m *Maintenance) Partitions(ctx context.Context) (PartitionResult, error) {
	var res PartitionResult
	op := database.Operation{Name: "ingest.partitions", Actor: "job:ingest_partitions"}
	err := m.platform.InPlatform(ctx, op, func(tx *database.Tx) error {
		var keep int
		if err := tx.Get(ctx, &keep, `SELECT greatest($1::integer, COALESCE(max(ingest_events_retention_days), 0))
			FROM tenant_settings`, DefaultRetentionDays); err != nil {
			return err
		}
		res.KeepDays = keep
		return tx.Get(ctx, &res, `SELECT created, dropped, skipped FROM ingest_events_maintain($1, $2)`, PartitionsAhead, keep)
	})
	if err == nil {
		m.log.Info().Int("created", res.Created).Int("dropped", res.Dropped).Int("skipped", res.Skipped).
			Int("keep_days", res.KeepDays).Msg("ingest partitions maintained")
	}
	return res, err
}

// Retention deletes, for every tenant, the raw events (telemetry samples
// and device log lines with them) older than its
// ingest_events_retention_days at now, and returns how many rows went.
func (m *Maintenance) Retention(ctx context.Context, now time.Time) (int64, error) {
	var tenants []struct {
		ID   uuid.UUID `db:"id"`
		Days int       `db:"days"`
	}
	op := database.Operation{Name: "ingest.retention.plan", Actor: "job:ingest_retention"}
	if err := m.platform.InPlatform(ctx, op, func(tx *database.Tx) error {
		return tx.Select(ctx, &tenants, `SELECT t.id, COALESCE(s.ingest_events_retention_days, $1) AS days
			FROM tenants t LEFT JOIN tenant_settings s ON s.tenant_id = t.id ORDER BY t.id`, DefaultRetentionDays)
	}); err != nil {
		return 0, err
	}
	var total int64
	for _, t := range tenants {
		cutoff := now.Add(-time.Duration(t.Days) * 24 * time.Hour)
		for {
			var n int64
			op := database.Operation{Name: "ingest.retention", Actor: "job:ingest_retention",
				Detail: fmt.Sprintf("tenant %s: ingest_events before %s", t.ID, cutoff.Format(time.RFC3339))}
			err := m.platform.InPlatform(ctx, op, func(tx *database.Tx) error {
				var err error
				n, err = tx.Exec(ctx, `DELETE FROM ingest_events WHERE (tenant_id, device_id, ts, id) IN (
					SELECT tenant_id, device_id, ts, id FROM ingest_events WHERE tenant_id = $1 AND ts < $2 LIMIT $3)`,
					t.ID, cutoff, retentionBatch)
				return err
			})
			if err != nil {
				return total, err
			}
			total += n
			if n < retentionBatch {
				break
			}
		}
	}
	return total, nil
}
