// Package uploader moves events from the spool to the ingestor in
// timestamp-ordered batches, removing them only after a 2xx.
package uploader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
	"github.com/monozu/monozu/internal/edgeagent/spool"
)

// Ingester posts one JSON array of events.
type Ingester interface {
	Ingest(ctx context.Context, batch []byte) error
}

// Defaults of the ingest contract (10,000 events / 10 MiB per request are
// the ingestor's limits; the agent stays well below both).
const (
	DefaultBatchSize     = 1000
	DefaultMaxBatchBytes = 8 << 20
	backoffMin           = time.Second
	backoffMax           = 5 * time.Minute
)

// Uploader is one upload loop.
type Uploader struct {
	Spool         *spool.Spool
	Ingest        Ingester
	Interval      func() time.Duration // the current upload interval
	BatchSize     int
	MaxBatchBytes int
	Log           *slog.Logger
	// Delivered and Failed report progress to the status file.
	Delivered func(n int, at time.Time)
	Failed    func(err error)
	// MinBackoff and MaxBackoff bound the wait after failures (default 1 s
	// and 5 min, the spec's); a Retry-After answer overrides them.
	MinBackoff, MaxBackoff time.Duration

	backoff Backoff
}

func (u *Uploader) defaults() {
	if u.BatchSize <= 0 {
		u.BatchSize = DefaultBatchSize
	}
	if u.MaxBatchBytes <= 0 {
		u.MaxBatchBytes = DefaultMaxBatchBytes
	}
	if u.Log == nil {
		u.Log = slog.Default()
	}
	if u.MinBackoff <= 0 {
		u.MinBackoff = backoffMin
	}
	if u.MaxBackoff <= 0 {
		u.MaxBackoff = backoffMax
	}
	if u.backoff.Max == 0 {
		u.backoff = Backoff{Min: u.MinBackoff, Max: u.MaxBackoff}
	}
}

// Run uploads every interval, or as soon as a full batch waits, until ctx
// ends. Failed attempts wait the backoff instead of the interval.
func (u *Uploader) Run(ctx context.Context) {
	u.defaults()
	deadline := time.Now().Add(u.Interval())
	for {
		timer := time.NewTimer(time.Until(deadline))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-u.Spool.Added():
			if u.backoff.Failing() || u.Spool.Stats().Events < int64(u.BatchSize) {
				// Not a full batch yet (or backing off): keep waiting.
				timer.Stop()
				continue
			}
		case <-timer.C:
		}
		timer.Stop()
		if err := u.Drain(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			wait := u.backoff.Next(cloudapi.RetryAfter(err))
			if !cloudapi.Retryable(err) {
				// 401/403 and the like: a person must act; keep the events
				// and ask again only rarely.
				wait = max(wait, u.MaxBackoff)
			}
			u.Log.Warn("upload failed; events stay spooled", "error", err.Error(), "retry_in", wait.Round(time.Millisecond).String())
			if u.Failed != nil {
				u.Failed(err)
			}
			deadline = time.Now().Add(wait)
			continue
		}
		deadline = time.Now().Add(u.Interval())
	}
}

// Drain uploads batches until the spool is empty or an attempt fails with
// an error that the events themselves did not cause.
func (u *Uploader) Drain(ctx context.Context) error {
	u.defaults()
	batchSize := u.BatchSize
	for ctx.Err() == nil {
		items, err := u.Spool.Peek(batchSize, u.MaxBatchBytes)
		if err != nil || len(items) == 0 {
			return err
		}
		err = u.Ingest.Ingest(ctx, encodeBatch(items))
		if err == nil {
			if err := u.Spool.Remove(keysOf(items)); err != nil {
				return err
			}
			u.backoff.Reset()
			if u.Delivered != nil {
				u.Delivered(len(items), time.Now().UTC())
			}
			continue
		}
		var p *cloudapi.Problem
		if !errors.As(err, &p) {
			return err
		}
		switch p.Status {
		case http.StatusBadRequest:
			if err := u.discardRejected(items, p); err != nil {
				return err
			}
		case http.StatusRequestEntityTooLarge:
			if len(items) > 1 {
				batchSize = len(items) / 2
				continue
			}
			u.Log.Error("ingestor refuses an event as too large; dropped", "problem", p.Error())
			if err := u.Spool.Remove(keysOf(items)); err != nil {
				return err
			}
		default:
			return err
		}
	}
	return ctx.Err()
}

// discardRejected handles a 400: the ingestor stored nothing and named the
// bad events. Those are dropped (retrying cannot fix them) and reported; the
// others are sent again in the next batch. A 400 naming no event means the
// batch as a whole was refused: it is dropped so the queue cannot jam.
func (u *Uploader) discardRejected(items []spool.Item, p *cloudapi.Problem) error {
	bad := map[int]string{}
	for _, fe := range p.Errors {
		if i, ok := eventIndex(fe); ok && i < len(items) {
			bad[i] = fmt.Sprintf("%s: %s %s", fe.Field, fe.Code, fe.Message)
		}
	}
	var keys [][]byte
	if len(bad) == 0 {
		keys = keysOf(items)
		u.Log.Error("ingestor refused a batch without naming events; batch dropped", "events", len(items), "problem", p.Error())
	} else {
		for i, reason := range bad {
			keys = append(keys, items[i].Key)
			u.Log.Error("ingestor refused an event; dropped", "event", string(firstBytes(items[i].Raw, 200)), "reason", reason)
		}
	}
	return u.Spool.Remove(keys)
}

var leadingIndex = regexp.MustCompile(`\d+`)

// eventIndex finds the batch index a field error names: an explicit index,
// or the first number in its field path ("3.kind", "[3].data", "events[3]").
func eventIndex(fe cloudapi.FieldError) (int, bool) {
	if fe.Index != nil {
		return *fe.Index, *fe.Index >= 0
	}
	m := leadingIndex.FindString(fe.Field)
	if m == "" {
		return 0, false
	}
	i, err := strconv.Atoi(m)
	return i, err == nil
}

func encodeBatch(items []spool.Item) []byte {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(it.Raw)
	}
	buf.WriteByte(']')
	return buf.Bytes()
}

func keysOf(items []spool.Item) [][]byte {
	keys := make([][]byte, len(items))
	for i, it := range items {
		keys[i] = it.Key
	}
	return keys
}

func firstBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
