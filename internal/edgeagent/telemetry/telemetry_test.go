package telemetry_test

import (
	"context"
	"testing"

	"github.com/monozu/monozu/internal/edgeagent/telemetry"
)

func TestCollectReadsThisMachine(t *testing.T) {
	s, err := telemetry.Collect(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if s.MemoryPercent <= 0 || s.MemoryPercent > 100 || s.DiskPercent <= 0 || s.CPUPercent < 0 || s.UptimeS == 0 {
		t.Fatalf("sample = %+v", s)
	}
	found := false
	for _, i := range s.Interfaces {
		found = found || i.Name == "lo"
	}
	if !found {
		t.Fatalf("no loopback interface in %+v", s.Interfaces)
	}
}
