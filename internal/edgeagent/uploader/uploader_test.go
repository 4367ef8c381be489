package uploader_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
	"github.com/monozu/monozu/internal/edgeagent/edgetest"
	"github.com/monozu/monozu/internal/edgeagent/event"
	"github.com/monozu/monozu/internal/edgeagent/spool"
	"github.com/monozu/monozu/internal/edgeagent/uploader"
)

type rig struct {
	cloud *edgetest.Cloud
	spool *spool.Spool
	up    *uploader.Uploader
}

func newRig(t *testing.T) *rig {
	t.Helper()
	cloud := edgetest.New(t)
	sp, err := spool.Open(filepath.Join(t.TempDir(), "spool.db"), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sp.Close() })
	client := cloudapi.New(cloud.URL(), cloud.URL(), edgetest.DeviceKey, "test")
	up := &uploader.Uploader{
		Spool: sp, Ingest: client, Interval: func() time.Duration { return 20 * time.Millisecond },
		MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, Log: slog.New(slog.DiscardHandler),
	}
	return &rig{cloud: cloud, spool: sp, up: up}
}

func (r *rig) produce(t *testing.T, n int, kind string) []string {
	t.Helper()
	ids := make([]string, 0, n)
	batch := make([]event.Event, 0, 100)
	for i := range n {
		ev, err := event.New(kind, map[string]int{"i": i})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.ID)
		batch = append(batch, ev)
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := r.spool.Append(batch...); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return ids
}

// run starts the loop and returns a stop function that waits for it.
func (r *rig) run(t *testing.T) func() {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); r.up.Run(ctx) }()
	stop := func() { cancel(); wg.Wait() }
	t.Cleanup(stop)
	return stop
}

func assertExactlyOnce(t *testing.T, cloud *edgetest.Cloud, ids []string) {
	t.Helper()
	stored := cloud.StoredIDs()
	for _, id := range ids {
		if !stored[id] {
			t.Fatalf("event %s never stored", id)
		}
		if n := cloud.Deliveries(id); n != 1 {
			t.Fatalf("event %s delivered %d times, want 1", id, n)
		}
	}
}

func TestUploadsInTimestampOrderAndEmptiesSpool(t *testing.T) {
	r := newRig(t)
	ids := r.produce(t, 2500, event.KindTelemetry)
	r.run(t)
	edgetest.Eventually(t, "all stored", func() bool { return len(r.cloud.StoredIDs()) == len(ids) })
	edgetest.Eventually(t, "spool empty", func() bool { return r.spool.Stats().Events == 0 })
	stored := r.cloud.Stored()
	for i := 1; i < len(stored); i++ {
		if stored[i].Timestamp.Before(stored[i-1].Timestamp) {
			t.Fatalf("event %d stored before an older one", i)
		}
	}
	assertExactlyOnce(t, r.cloud, ids)
	if n := len(r.cloud.IngestRequests()); n < 3 {
		t.Fatalf("2500 events went in %d requests; batches are at most 1000", n)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	r := newRig(t)
	r.cloud.FailNext(edgetest.Failure{Status: 429, RetryAfter: "1"}, edgetest.Failure{Status: 503, RetryAfter: "1"})
	ids := r.produce(t, 10, event.KindLog)
	r.run(t)
	edgetest.Eventually(t, "all stored", func() bool { return len(r.cloud.StoredIDs()) == len(ids) })
	reqs := r.cloud.IngestRequests()
	if len(reqs) != 3 {
		t.Fatalf("%d ingest requests, want 3 (429, 503, success)", len(reqs))
	}
	// A lower bound only: the agent may be slower, never sooner than asked.
	for i := 1; i < 3; i++ {
		if gap := reqs[i].Sub(reqs[i-1]); gap < time.Second {
			t.Fatalf("retry %d came %s after the answer that said Retry-After: 1", i, gap)
		}
	}
	assertExactlyOnce(t, r.cloud, ids)
}

func TestOutageThenDrainDeliversEverythingOnce(t *testing.T) {
	r := newRig(t)
	r.cloud.SetOutage(true)
	r.run(t)
	first := r.produce(t, 1500, event.KindTelemetry)
	edgetest.Eventually(t, "several failed attempts", func() bool { return len(r.cloud.IngestRequests()) >= 4 })
	second := r.produce(t, 1500, event.KindSecurityAlert)
	if got := r.spool.Stats().Events; got != 3000 {
		t.Fatalf("spool holds %d events during the outage, want 3000", got)
	}
	r.cloud.SetOutage(false)
	all := append(first, second...)
	edgetest.Eventually(t, "drain", func() bool { return len(r.cloud.StoredIDs()) == len(all) && r.spool.Stats().Events == 0 })
	assertExactlyOnce(t, r.cloud, all)
}

func TestBadRequestDropsOnlyTheNamedEvents(t *testing.T) {
	r := newRig(t)
	ids := r.produce(t, 20, event.KindLog)
	r.cloud.Reject(ids[7])
	r.cloud.Reject(ids[13])
	r.run(t)
	edgetest.Eventually(t, "spool empty", func() bool { return r.spool.Stats().Events == 0 })
	stored := r.cloud.StoredIDs()
	if len(stored) != 18 || stored[ids[7]] || stored[ids[13]] {
		t.Fatalf("stored %d events (rejected ones present: %v %v), want the 18 good ones", len(stored), stored[ids[7]], stored[ids[13]])
	}
	good := append(append(append([]string{}, ids[:7]...), ids[8:13]...), ids[14:]...)
	assertExactlyOnce(t, r.cloud, good)
}

func TestUnauthorizedKeepsEvents(t *testing.T) {
	r := newRig(t)
	ids := r.produce(t, 5, event.KindLog)
	r.up.Ingest = cloudapi.New(r.cloud.URL(), r.cloud.URL(), "dvc_wrong", "test")
	err := r.up.Drain(context.Background())
	if cloudapi.Retryable(err) || err == nil {
		t.Fatalf("drain with a refused key = %v, want a non-retryable error", err)
	}
	if got := r.spool.Stats().Events; got != int64(len(ids)) {
		t.Fatalf("spool holds %d events after a 401, want %d", got, len(ids))
	}
}

func TestBackoffGrowsWithJitterAndHonoursRetryAfter(t *testing.T) {
	b := uploader.Backoff{Min: time.Second, Max: 5 * time.Minute}
	prevMax := time.Duration(0)
	for i := 1; i <= 12; i++ {
		d := b.Next(0)
		step := min(time.Second<<(i-1), 5*time.Minute)
		if d < step/2 || d > step {
			t.Fatalf("failure %d waits %s, want within [%s, %s]", i, d, step/2, step)
		}
		prevMax = max(prevMax, d)
	}
	if prevMax < 150*time.Second {
		t.Fatalf("backoff never got near its 5 min cap: %s", prevMax)
	}
	if d := b.Next(7 * time.Second); d != 7*time.Second {
		t.Fatalf("Retry-After 7s gave %s", d)
	}
	b.Reset()
	if d := b.Next(0); d > time.Second {
		t.Fatalf("after reset the wait is %s, want ≤ 1s", d)
	}
}
