package auth_test

import (
	"testing"
	"time"

	"github.com/monozu/monozu/internal/platform/auth"
)

func TestLockout(t *testing.T) {
	start := time.Unix(1_800_000_000, 0)
	f := auth.FailedLogins{}
	for i := 1; i < auth.MaxFailedLogins; i++ {
		f = auth.NextFailure(f.Count, f.Since, start.Add(time.Duration(i)*time.Minute))
		if f.LockedUntil != nil || f.Count != i {
			t.Fatalf("failure %d: %+v", i, f)
		}
	}
	f = auth.NextFailure(f.Count, f.Since, start.Add(5*time.Minute))
	if f.LockedUntil == nil || !f.LockedUntil.Equal(start.Add(20*time.Minute)) || f.Count != 0 {
		t.Fatalf("the fifth failure within the window must lock for 15 minutes: %+v", f)
	}
	old := start
	f = auth.NextFailure(4, &old, start.Add(16*time.Minute))
	if f.LockedUntil != nil || f.Count != 1 {
		t.Fatalf("a failure after the window starts a new count: %+v", f)
	}
}
