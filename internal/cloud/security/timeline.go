package security

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// Timeline buckets and how many of them one answer may hold.
const (
	BucketHour = "hour"
	BucketDay  = "day"
	// The bounds of from..to: 31 days by the hour, 366 by the day.
	maxHourBuckets = 31 * 24
	maxDayBuckets  = 366
)

// TimelineQuery documents the query of the alert timeline.
type TimelineQuery struct {
	Bucket string    `query:"bucket" doc:"hour (default) or day; buckets start on UTC hour or day boundaries"`
	From   time.Time `query:"from" doc:"observed at or after, RFC 3339, rounded down to the bucket (default: 24 hours or 30 days before to)"`
	To     time.Time `query:"to" doc:"observed before, RFC 3339 (default: now); at most 744 hourly or 366 daily buckets"`
}

var timelineParams = []string{"bucket", "from", "to"}

// SeverityCounts is how many alerts of each severity a bucket holds.
type SeverityCounts struct {
	Info     int `json:"info"`
	Low      int `json:"low"`
	Medium   int `json:"medium"`
	High     int `json:"high"`
	Critical int `json:"critical"`
}

func (c *SeverityCounts) add(severity string, n int) {
	switch severity {
	case "info":
		c.Info += n
	case "low":
		c.Low += n
	case "medium":
		c.Medium += n
	case "high":
		c.High += n
	case "critical":
		c.Critical += n
	}
}

// TimelinePoint is one bucket: its start and the alerts observed in it.
type TimelinePoint struct {
	Start  time.Time      `json:"start"`
	Counts SeverityCounts `json:"counts"`
}

// Timeline is alerts counted per bucket and severity, every bucket of
// from..to present (zero when quiet), oldest first.
type Timeline struct {
	Bucket string          `json:"bucket" enum:"hour day"`
	From   time.Time       `json:"from"`
	To     time.Time       `json:"to"`
	Points []TimelinePoint `json:"points"`
}

// TimelineRange is a validated timeline request.
type TimelineRange struct {
	Bucket   string
	From, To time.Time
}

func bucketSize(bucket string) time.Duration {
	if bucket == BucketDay {
		return 24 * time.Hour
	}
	return time.Hour
}

// parseTimeline validates the query against now, reporting every bad value.
func parseTimeline(values map[string]string, now time.Time) (TimelineRange, []errs.FieldError) {
	var c errs.Checker
	r := TimelineRange{Bucket: values["bucket"]}
	if r.Bucket == "" {
		r.Bucket = BucketHour
	}
	c.OneOf("bucket", r.Bucket, []string{BucketHour, BucketDay})
	at := func(name string, fallback time.Time) time.Time {
		raw := values[name]
		if raw == "" {
			return fallback
		}
		t, err := time.Parse(time.RFC3339Nano, raw)
		if err != nil {
			c.Add(name, "invalid", "must be an RFC 3339 time such as 2025-01-31T00:00:00Z (encode + as %2B)")
			return fallback
		}
		return t.UTC()
	}
	size := bucketSize(r.Bucket)
	r.To = at("to", now.UTC())
	span, limit := 24*time.Hour, maxHourBuckets
	if r.Bucket == BucketDay {
		span, limit = 30*24*time.Hour, maxDayBuckets
	}
	r.From = at("from", r.To.Add(-span)).Truncate(size)
	switch {
	case !r.From.Before(r.To):
		c.Add("to", "before_from", "must be after from")
	case r.To.Sub(r.From) > time.Duration(limit)*size:
		c.Add("from", "range_too_long", "at most "+strconv.Itoa(limit)+" "+r.Bucket+"s from from to to")
	}
	return r, c.Fields
}

// countTimeline counts the tenant's alerts of r by bucket and severity.
func countTimeline(ctx context.Context, tx *database.Tx, r TimelineRange) (map[time.Time]*SeverityCounts, error) {
	var rows []struct {
		Bucket   time.Time `db:"bucket"`
		Severity string    `db:"severity"`
		N        int       `db:"n"`
	}
	err := tx.Select(ctx, &rows, `SELECT date_trunc($2, observed_at, 'UTC') AS bucket, severity, count(*) AS n
		FROM security_alerts WHERE tenant_id = $1 AND observed_at >= $3 AND observed_at < $4 GROUP BY 1, 2`,
		tx.TenantID(), r.Bucket, r.From, r.To)
	out := map[time.Time]*SeverityCounts{}
	for _, row := range rows {
		k := row.Bucket.UTC()
		if out[k] == nil {
			out[k] = &SeverityCounts{}
		}
		out[k].add(row.Severity, row.N)
	}
	return out, err
}

// Timeline counts the tenant's alerts in r per bucket and severity.
func (s *Service) Timeline(ctx context.Context, r TimelineRange) (Timeline, error) {
	counts, err := database.InTenantResult(ctx, s.db, func(tx *database.Tx) (map[time.Time]*SeverityCounts, error) {
		return countTimeline(ctx, tx, r)
	})
	if err != nil {
		return Timeline{}, err
	}
	t := Timeline{Bucket: r.Bucket, From: r.From, To: r.To, Points: []TimelinePoint{}}
	size := bucketSize(r.Bucket)
	for start := r.From; start.Before(r.To); start = start.Add(size) {
		p := TimelinePoint{Start: start}
		if c := counts[start]; c != nil {
			p.Counts = *c
		}
		t.Points = append(t.Points, p)
	}
	return t, nil
}

func (h *Handler) timeline(c fiber.Ctx) error {
	values, problems := httpapi.StrictQuery(c, timelineParams)
	r, invalid := parseTimeline(values, h.svc.now())
	if problems = append(problems, invalid...); len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	t, err := h.svc.Timeline(c.Context(), r)
	if err != nil {
		return err
	}
	return c.JSON(t)
}
