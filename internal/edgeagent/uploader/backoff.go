package uploader

import (
	"math/rand/v2"
	"time"
)

// Backoff is exponential with jitter between Min and Max; a server's
// Retry-After wins over the computed wait.
type Backoff struct {
	Min, Max time.Duration
	failures int
}

// Next returns how long to wait after one more failure.
func (b *Backoff) Next(retryAfter time.Duration) time.Duration {
	b.failures++
	if retryAfter > 0 {
		return retryAfter
	}
	d := b.Min
	for i := 1; i < b.failures && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	// Half fixed, half random: spreads a fleet that failed together
	// without ever retrying sooner than half the step.
	return d/2 + rand.N(d/2+1)
}

// Reset starts over after a success.
func (b *Backoff) Reset() { b.failures = 0 }

// Failing says whether the last attempt failed.
func (b *Backoff) Failing() bool { return b.failures > 0 }
