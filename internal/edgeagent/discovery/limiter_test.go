package discovery

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// FakeClock advances only when someone sleeps on it. Exported for the package's external tests.
type FakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *FakeClock { return &FakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *FakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return nil
}

func TestTokenBucketCapsAttemptsPerSecond(t *testing.T) {
	clock := newFakeClock()
	start := clock.Now()
	b := NewTokenBucket(50, 1, clock)
	var stamps []time.Time
	for range 200 {
		if err := b.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		stamps = append(stamps, clock.Now())
	}
	// Any window of one second holds at most rate + burst attempts.
	for i := range stamps {
		n := 0
		for _, s := range stamps[i:] {
			if s.Sub(stamps[i]) < time.Second {
				n++
			}
		}
		if n > 51 {
			t.Fatalf("%d attempts within one second from attempt %d", n, i)
		}
	}
	// 200 attempts at 50/s from a bucket of one need 199/50 s.
	if got, want := stamps[len(stamps)-1].Sub(start), 3980*time.Millisecond; got < want-time.Millisecond {
		t.Fatalf("200 attempts took %v of clock time, want at least %v", got, want)
	}
}

func TestTokenBucketBurst(t *testing.T) {
	clock := newFakeClock()
	b := NewTokenBucket(10, 5, clock)
	for range 5 {
		if err := b.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if !clock.Now().Equal(newFakeClock().now) {
		t.Fatal("a full bucket of 5 made the first 5 attempts wait")
	}
	_ = b.Wait(context.Background())
	if clock.Now().Equal(newFakeClock().now) {
		t.Fatal("the sixth attempt did not wait")
	}
}

func TestTokenBucketCancelled(t *testing.T) {
	b := NewTokenBucket(1, 1, newFakeClock())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait on a cancelled context = %v", err)
	}
}

// Rates whose intervals are not exact in floating point must still make progress on a clock
// that moves only by the waits the bucket asks for.
func TestTokenBucketOddRatesProgress(t *testing.T) {
	for _, rate := range []int{3, 7, 13, 999, 1000} {
		clock := newFakeClock()
		b := NewTokenBucket(rate, 1, clock)
		for range 300 {
			if err := b.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := clock.Now().Sub(newFakeClock().now), time.Duration(299)*time.Second/time.Duration(rate); got < want-time.Millisecond {
			t.Fatalf("rate %d: 300 attempts after %v, want at least %v", rate, got, want)
		}
	}
}
