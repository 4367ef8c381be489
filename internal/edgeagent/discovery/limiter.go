package discovery

import (
	"context"
	"math"
	"sync"
	"time"
)

// Limiter paces connection attempts: Wait returns when one more attempt may start.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Clock is the time source of a TokenBucket; tests pass a fake one.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx ends.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// tokenEpsilon absorbs float rounding of accrued tokens.
const tokenEpsilon = 1e-9

// TokenBucket allows rate attempts per second with bursts of at most burst attempts.
type TokenBucket struct {
	mu     sync.Mutex
	clock  Clock
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// NewTokenBucket starts full, so a scan begins with at most burst attempts at once.
func NewTokenBucket(rate, burst int, clock Clock) *TokenBucket {
	if clock == nil {
		clock = realClock{}
	}
	if burst < 1 {
		burst = 1
	}
	return &TokenBucket{clock: clock, rate: float64(rate), burst: float64(burst), tokens: float64(burst), last: clock.Now()}
}

// Wait takes one token, sleeping until one has accrued.
func (b *TokenBucket) Wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b.mu.Lock()
		now := b.clock.Now()
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
		if b.tokens >= 1-tokenEpsilon {
			b.tokens = max(0, b.tokens-1)
			b.mu.Unlock()
			return nil
		}
		// Rounded up: a wait truncated to zero would spin on a clock that has not moved.
		wait := time.Duration(math.Ceil((1 - b.tokens) / b.rate * float64(time.Second)))
		b.mu.Unlock()
		if err := b.clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}
