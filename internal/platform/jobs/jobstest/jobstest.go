// Package jobstest runs a job queue for the length of a test.
package jobstest

import (
	"context"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/platform/jobs"
)

// Run works q's jobs until the test ends, failing it if the queue fails.
func Run(t testing.TB, q *jobs.Queue) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx, 5*time.Second) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("job queue: %v", err)
		}
	})
}
