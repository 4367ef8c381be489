package security

import (
	"strconv"
	"time"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Timeline buckets and how many of them one answer may hold.
const (
	BucketHour = "hour"
	BucketDay  = "day"
	// The bounds of from..to: 31 days by the hour, 366 by the day.
	maxHourBuckets = 31 * 24
	maxDayBuckets  = 366
)

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
		if t := c.Time(name, values[name]); t != nil {
			return t.UTC()
		}
		return fallback
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
