package e2e_test

import (
	"encoding/json"
	"os/exec"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/edgetest"
)

// storedCount is how many events of the device the ingestor holds.
func (a *agent) storedCount() int {
	a.t.Helper()
	var n int
	if err := a.w.admin.QueryRow(`SELECT count(*) FROM ingest_events WHERE tenant_id = $1 AND device_id = $2`,
		a.w.tenant, a.identity().DeviceID).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

// statusCmd is what `edgezu status --json` shows of the agent.
func (a *agent) statusCmd() config.Status {
	a.t.Helper()
	out, err := exec.Command(a.bin, "status", "--data-dir", a.dir, "--json").Output()
	if err != nil {
		a.t.Fatalf("edgezu status: %v", err)
	}
	var v struct {
		Agent config.Status `json:"agent"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		a.t.Fatalf("edgezu status --json = %s: %v", out, err)
	}
	return v.Agent
}

// TestIngestorOutageLosesNothing stops the ingestor while the agent scans
// the lab every second: the queue grows and `edgezu status` names the
// error; after the restart the queue drains and every produced event is
// stored exactly once.
func TestIngestorOutageLosesNothing(t *testing.T) {
	w := newWorld(t)
	a := w.newAgent(t, w.agentConfig(1))
	a.start()
	edgetest.Eventually(t, "the first events are stored", func() bool { return a.storedCount() > 0 })

	w.ingest.stop()
	var peak int64
	edgetest.Eventually(t, "the queue grows while the ingestor is down", func() bool {
		st := a.statusCmd()
		peak = st.QueueEvents
		return st.QueueEvents >= 25 && st.LastError != ""
	})
	w.ingest.start()
	edgetest.Eventually(t, "the queue drains after the restart", func() bool {
		st := a.statusCmd()
		return st.QueueEvents < peak/2 && st.Delivered > 0 && st.LastUploadAt.After(st.LastErrorAt)
	})
	a.assertExactlyOnce("ingestor outage")
}

// TestKill9MidUploadLosesNothing kills the agent after the ingestor stored
// a batch and before the agent heard so; the restarted agent sends the
// batch again with the same ids and the ingestor stores it once.
func TestKill9MidUploadLosesNothing(t *testing.T) {
	w := newWorld(t)
	a := w.newAgent(t, w.agentConfig(1))
	a.start()
	edgetest.Eventually(t, "the first events are stored", func() bool { return a.storedCount() > 0 })

	select {
	case <-w.proxy.arm(): // a batch is stored; its answer waits in the gate
	case <-time.After(90 * time.Second):
		t.Fatal("no batch reached the ingestor")
	}
	a.kill()
	w.proxy.release()
	afterKill := a.storedCount()

	a.start()
	edgetest.Eventually(t, "the restarted agent uploads again", func() bool { return a.storedCount() > afterKill })
	a.assertExactlyOnce("kill -9 mid-upload")
}
