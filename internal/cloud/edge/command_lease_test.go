package edge_test

import (
	"testing"
	"time"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/edge"
)

// The lease is the process's setting (EDGE_COMMAND_LEASE) when it has one.
func TestConfiguredCommandLease(t *testing.T) {
	lease := 5 * time.Minute
	f := newFleet(t, func(d *cloud.Deps) { d.CommandLease = lease })
	_, admin := f.ActiveTenant(t, "acme")
	gw := f.device(t, admin, "acme", "gw")
	pinged := f.issue(t, admin.Bearer(), gw, ping)
	if got := polledIDs(f.poll(t, gw)); got != pinged.ID.String() {
		t.Fatalf("first poll: %s", got)
	}
	f.clock.advance(edge.CommandLease + time.Second)
	if got := f.poll(t, gw); len(got) != 0 {
		t.Fatalf("delivered again after the default lease, within the configured one: %+v", got)
	}
	f.clock.advance(lease)
	if got := polledIDs(f.poll(t, gw)); got != pinged.ID.String() {
		t.Fatalf("after the configured lease: %s", got)
	}
}
