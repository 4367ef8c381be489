package edge

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// maxBuckets bounds one telemetry history: a chart has no use for more
// points than it has pixels.
const maxBuckets = 1000

type bucketWidth struct {
	name  string
	width time.Duration
}

// buckets are the widths a history may be binned in, narrowest first.
var buckets = []bucketWidth{
	{"1m", time.Minute}, {"5m", 5 * time.Minute}, {"15m", 15 * time.Minute},
	{"1h", time.Hour}, {"6h", 6 * time.Hour}, {"1d", 24 * time.Hour},
}

// TelemetryRange asks for a device's history.
type TelemetryRange struct {
	From, To *time.Time
	// Bucket is one of 1m 5m 15m 1h 6h 1d; the narrowest that keeps the
	// range within maxBuckets when empty.
	Bucket string
}

// TelemetryBucket is the samples of one time bucket, aggregated.
type TelemetryBucket struct {
	Start         time.Time `db:"bucket" json:"start"`
	Samples       int       `db:"samples" json:"samples"`
	CPUAvg        *float64  `db:"cpu_avg" json:"cpu_avg"`
	CPUMax        *float64  `db:"cpu_max" json:"cpu_max"`
	MemoryAvg     *float64  `db:"memory_avg" json:"memory_avg"`
	MemoryMax     *float64  `db:"memory_max" json:"memory_max"`
	DiskAvg       *float64  `db:"disk_avg" json:"disk_avg"`
	DiskMax       *float64  `db:"disk_max" json:"disk_max"`
	UptimeSeconds *int64    `db:"uptime_s" json:"uptime_s" doc:"the highest uptime reported in the bucket"`
}

// TelemetryHistory is a device's binned telemetry over a range.
type TelemetryHistory struct {
	From    time.Time         `json:"from"`
	To      time.Time         `json:"to"`
	Bucket  string            `json:"bucket"`
	Buckets []TelemetryBucket `json:"buckets" doc:"buckets with samples only, oldest first"`
}

func (r TelemetryRange) resolve(now time.Time) (from, to time.Time, bucket string, width time.Duration, err error) {
	var c errs.Checker
	to, from = now, now.Add(-24*time.Hour)
	if r.To != nil {
		to = r.To.UTC()
	}
	if r.From != nil {
		from = r.From.UTC()
	} else if r.To != nil {
		from = to.Add(-24 * time.Hour)
	}
	if !from.Before(to) {
		c.Add("from", "invalid", "must be before to")
		return from, to, "", 0, c.Err()
	}
	span := to.Sub(from)
	if r.Bucket == "" {
		for _, b := range buckets {
			if span/b.width < maxBuckets {
				return from, to, b.name, b.width, nil
			}
		}
		c.Add("from", "too_wide", "the range is too long; at most 1000 days")
		return from, to, "", 0, c.Err()
	}
	i := slices.IndexFunc(buckets, func(b bucketWidth) bool { return b.name == r.Bucket })
	switch {
	case i < 0:
		c.Add("bucket", "invalid", "must be one of 1m, 5m, 15m, 1h, 6h, 1d")
	case span/buckets[i].width >= maxBuckets:
		c.Add("bucket", "too_many", "makes more than 1000 buckets for this range; choose a wider one")
	default:
		return from, to, r.Bucket, buckets[i].width, nil
	}
	return from, to, "", 0, c.Err()
}

// Telemetry returns a device's telemetry binned into buckets.
func (s *Service) Telemetry(ctx context.Context, id uuid.UUID, r TelemetryRange) (TelemetryHistory, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (TelemetryHistory, error) {
		if _, err := deviceByID(ctx, tx, id, false); err != nil {
			return TelemetryHistory{}, err
		}
		from, to, bucket, width, err := r.resolve(s.nowUTC())
		if err != nil {
			return TelemetryHistory{}, err
		}
		out := TelemetryHistory{From: from, To: to, Bucket: bucket, Buckets: []TelemetryBucket{}}
		err = tx.Select(ctx, &out.Buckets, `SELECT date_bin(make_interval(secs => $5), ts, '2000-01-01 00:00:00+00') AS bucket,
				count(*) AS samples, avg(cpu_percent) AS cpu_avg, max(cpu_percent) AS cpu_max,
				avg(memory_percent) AS memory_avg, max(memory_percent) AS memory_max,
				avg(disk_percent) AS disk_avg, max(disk_percent) AS disk_max, max(uptime_s) AS uptime_s
			FROM edge_telemetry WHERE tenant_id = $1 AND device_id = $2 AND ts >= $3 AND ts < $4
			GROUP BY 1 ORDER BY 1`, tx.TenantID(), id, from, to, width.Seconds())
		return out, err
	})
}

// Log levels, lowest first.
var logLevels = []string{"debug", "info", "warn", "error"}

// DeviceLog is one line a device logged.
type DeviceLog struct {
	ID      uuid.UUID `db:"id" json:"id"`
	TS      time.Time `db:"ts" json:"ts"`
	Level   string    `db:"level" json:"level" enum:"debug info warn error"`
	Message string    `db:"message" json:"message"`
	Source  string    `db:"source" json:"source"`
}

// LogFilter narrows a device's logs.
type LogFilter struct {
	// Level is the lowest level shown.
	Level    string
	From, To *time.Time
}

// logCursor is where a page of logs continues: newest first.
type logCursor struct {
	TS time.Time
	ID uuid.UUID
}

// Logs returns a device's log lines, newest first, after the cursor.
func (s *Service) Logs(ctx context.Context, id uuid.UUID, f LogFilter, after *logCursor, limit int) ([]DeviceLog, error) {
	levels := logLevels
	if f.Level != "" {
		i := slices.Index(logLevels, f.Level)
		if i < 0 {
			return nil, errs.Invalid(errs.Field("level", "invalid", "must be one of debug, info, warn, error"))
		}
		levels = logLevels[i:]
	}
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]DeviceLog, error) {
		if _, err := deviceByID(ctx, tx, id, false); err != nil {
			return nil, err
		}
		logs := []DeviceLog{}
		args := []any{tx.TenantID(), id, levels, f.From, f.To, limit + 1}
		cond := ""
		if after != nil {
			cond = " AND (ts, id) < ($7, $8)"
			args = append(args, after.TS, after.ID)
		}
		err := tx.Select(ctx, &logs, `SELECT id, ts, level, message, source FROM edge_device_logs
			WHERE tenant_id = $1 AND device_id = $2 AND level = ANY($3::text[])
			  AND ($4::timestamptz IS NULL OR ts >= $4) AND ($5::timestamptz IS NULL OR ts < $5)`+cond+`
			ORDER BY ts DESC, id DESC LIMIT $6`, args...)
		return logs, err
	})
}
