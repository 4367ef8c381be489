package agent_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/agent"
	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
	"github.com/monozu/monozu/internal/edgeagent/commands"
	"github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/edgetest"
	"github.com/monozu/monozu/internal/edgeagent/event"
	"github.com/monozu/monozu/internal/edgeagent/spool"
)

// registered registers against the fake Cloud the way `edgezu register`
// does and saves the identity, with short intervals for the test.
func registered(t testing.TB, cloud *edgetest.Cloud) string {
	t.Helper()
	dir := t.TempDir()
	reg, err := cloudapi.New(cloud.URL(), "", "", "test").Register(context.Background(), edgetest.Account, edgetest.ProvisioningKey,
		cloudapi.Facts{Name: "edge-1", Hostname: "edge-1", AgentVersion: "test", OS: "linux", Arch: "amd64", Capabilities: []string{"telemetry"}})
	if err != nil {
		t.Fatal(err)
	}
	id := config.Identity{DeviceID: reg.DeviceID, DeviceKey: reg.DeviceKey, TenantID: reg.TenantID, CloudURL: cloud.URL(),
		IngestURL: reg.IngestURL, PollIntervalS: 1, UploadIntervalS: 1}
	if err := config.SaveIdentity(dir, id); err != nil {
		t.Fatal(err)
	}
	return dir
}

func startAgent(t *testing.T, dir string) (*agent.Agent, context.CancelFunc, <-chan error) {
	t.Helper()
	id, err := config.LoadIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := agent.New(agent.Options{DataDir: dir, Identity: id, Version: "test", Executable: filepath.Join(dir, "edgezu"), LogOutput: &strings.Builder{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	finished := make(chan struct{})
	go func() { done <- a.Run(ctx); close(finished) }()
	t.Cleanup(func() { cancel(); <-finished })
	return a, cancel, done
}

func storedOfKind(cloud *edgetest.Cloud, kind string) []edgetest.Event {
	var out []edgetest.Event
	for _, ev := range cloud.Stored() {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

func TestAgentEndToEnd(t *testing.T) {
	cloud := edgetest.New(t)
	dir := registered(t, cloud)
	// The first upload fails: its warning must itself arrive as a log event.
	cloud.FailNext(edgetest.Failure{Status: 503, RetryAfter: "1"})
	_, cancel, done := startAgent(t, dir)

	edgetest.Eventually(t, "telemetry", func() bool { return len(storedOfKind(cloud, event.KindTelemetry)) > 0 })
	var sample map[string]any
	if err := json.Unmarshal(storedOfKind(cloud, event.KindTelemetry)[0].Data, &sample); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"cpu_percent", "memory_percent", "disk_percent", "interfaces", "uptime_s"} {
		if _, ok := sample[key]; !ok {
			t.Fatalf("telemetry lacks %s: %v", key, sample)
		}
	}
	edgetest.Eventually(t, "the upload warning as a log event", func() bool {
		for _, ev := range storedOfKind(cloud, event.KindLog) {
			if strings.Contains(string(ev.Data), "upload failed") && strings.Contains(string(ev.Data), `"level":"warn"`) {
				return true
			}
		}
		return false
	})

	ping := cloud.Queue(edgetest.Command{Type: "ping", Payload: json.RawMessage(`{"target":"127.0.0.1:1","count":1}`)})
	cfg := cloud.Queue(edgetest.Command{Type: "config_update", Payload: json.RawMessage(`{"settings":{"telemetry_interval_s":3600}}`)})
	bogus := cloud.Queue(edgetest.Command{Type: "reboot_everything", Payload: json.RawMessage(`{}`)})
	edgetest.Eventually(t, "acks", func() bool {
		return len(cloud.Acks(ping)) > 0 && len(cloud.Acks(cfg)) > 0 && len(cloud.Acks(bogus)) > 0
	})
	if a := cloud.Acks(ping)[0]; a.Status != "completed" {
		t.Fatalf("ping ack = %+v", a)
	}
	if a := cloud.Acks(bogus)[0]; a.Status != "rejected" {
		t.Fatalf("unknown command ack = %+v", a)
	}
	overrides, err := config.LoadSettings(dir)
	if err != nil || overrides.TelemetryIntervalS == nil || *overrides.TelemetryIntervalS != 3600 {
		t.Fatalf("config_update not persisted: %+v %v", overrides, err)
	}
	edgetest.Eventually(t, "the status file showing the new interval and an upload", func() bool {
		st, err := config.LoadStatus(dir)
		return err == nil && st.Telemetry == "1h0m0s" && !st.LastUploadAt.IsZero() && st.Delivered > 0 && !st.LastPollAt.IsZero()
	})

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel = %v", err)
	}
	st, err := config.LoadStatus(dir)
	if err != nil || !st.Stopped {
		t.Fatalf("final status = %+v, %v", st, err)
	}
}

func TestRestartServiceEndsRunForReexec(t *testing.T) {
	cloud := edgetest.New(t)
	dir := registered(t, cloud)
	id := cloud.Queue(edgetest.Command{Type: "restart_service", Payload: json.RawMessage(`{"service":"edgezu"}`)})
	_, _, done := startAgent(t, dir)
	select {
	case err := <-done:
		if !errors.Is(err, agent.ErrRestart) {
			t.Fatalf("Run = %v, want ErrRestart", err)
		}
	case <-time.After(90 * time.Second):
		t.Fatal("agent did not stop for the restart")
	}
	if acks := cloud.Acks(id); len(acks) != 1 || acks[0].Status != "completed" {
		t.Fatalf("restart ack = %+v", acks)
	}
}

// fill puts n events into the spool of dir before any agent runs.
func fill(t *testing.T, dir string, n int) []string {
	t.Helper()
	sp, err := spool.Open(filepath.Join(dir, "spool.db"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sp.Close() }()
	ids := make([]string, n)
	events := make([]event.Event, n)
	for i := range n {
		ev, err := event.New(event.KindTelemetry, telemetryLike)
		if err != nil {
			t.Fatal(err)
		}
		ids[i], events[i] = ev.ID, ev
	}
	if _, err := sp.Append(events...); err != nil {
		t.Fatal(err)
	}
	return ids
}

func child(t testing.TB, dir string, eps int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childDirEnv+"="+dir, childEPSEnv+"="+strconv.Itoa(eps))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	t.Cleanup(func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
	})
	return cmd
}

// TestKill9MidUploadThenDrain: the ingestor stores a batch but the agent is
// SIGKILLed before it sees the answer. A new agent sends those events again
// with the same ids (so the ingestor keeps one copy) and delivers the rest.
func TestKill9MidUploadThenDrain(t *testing.T) {
	cloud := edgetest.New(t)
	dir := registered(t, cloud)
	ids := fill(t, dir, 2500)
	stalled := cloud.StallAfterStore()

	first := child(t, dir, 0)
	select {
	case <-stalled:
	case <-time.After(90 * time.Second):
		t.Fatal("the agent never uploaded")
	}
	_ = first.Process.Signal(syscall.SIGKILL)
	_ = first.Wait()
	inFlight := len(cloud.StoredIDs())
	if inFlight == 0 || inFlight == len(ids) {
		t.Fatalf("%d events stored before the kill; want one batch, not all", inFlight)
	}
	cloud.Unstall()

	second := child(t, dir, 0)
	edgetest.Eventually(t, "drain", func() bool {
		stored := cloud.StoredIDs()
		for _, id := range ids {
			if !stored[id] {
				return false
			}
		}
		return true
	})
	_ = second.Process.Signal(syscall.SIGTERM)
	if err := second.Wait(); err != nil {
		t.Fatalf("agent exit after SIGTERM: %v", err)
	}
	replayed := 0
	for _, id := range ids {
		switch n := cloud.Deliveries(id); {
		case n == 2:
			replayed++
		case n != 1:
			t.Fatalf("event %s arrived %d times", id, n)
		}
	}
	if replayed == 0 {
		t.Fatal("no event of the interrupted batch was sent again")
	}
	stored := len(storedOfKind(cloud, event.KindTelemetry))
	if stored != len(ids) {
		t.Fatalf("%d telemetry events stored, want exactly %d", stored, len(ids))
	}
	sp, err := spool.Open(filepath.Join(dir, "spool.db"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sp.Close() }()
	if n, err := sp.Check(); err != nil {
		t.Fatalf("spool after the runs: %d entries, %v", n, err)
	}
	t.Logf("%d events, %d in the batch cut off by kill -9 and sent again", len(ids), replayed)
}

// labDiscoverer stands in for internal/edgeagent/discovery: it raises a
// security alert through the sink it was built with and runs its own loop.
type labDiscoverer struct {
	sink    commands.Spooler
	looping chan struct{}
}

func (d *labDiscoverer) Discover(ctx context.Context, req commands.DiscoveryRequest) (any, []commands.Observation, error) {
	alert, err := event.New(event.KindSecurityAlert, map[string]any{"title": "New device on a watched subnet", "severity": "medium", "category": "discovery"})
	if err != nil {
		return nil, nil, err
	}
	if _, err := d.sink.Append(alert); err != nil {
		return nil, nil, err
	}
	return map[string]any{"subnet": req.Subnet.String(), "hosts_up": 1, "alerts_raised": 1},
		[]commands.Observation{{IP: "127.0.0.2", OpenPorts: []int{502}}}, nil
}

func (d *labDiscoverer) Run(ctx context.Context) {
	close(d.looping)
	<-ctx.Done()
}

func TestDiscoveryPlugsIn(t *testing.T) {
	cloud := edgetest.New(t)
	dir := registered(t, cloud)
	id, err := config.LoadIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := &labDiscoverer{looping: make(chan struct{})}
	a, err := agent.New(agent.Options{DataDir: dir, Identity: id, Version: "test", NoTelemetry: true, LogOutput: &strings.Builder{},
		Discovery: func(sink commands.Spooler, _ *slog.Logger) commands.Discoverer { d.sink = sink; return d }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	go func() { _ = a.Run(ctx); close(finished) }()
	defer func() { cancel(); <-finished }()

	cmd := cloud.Queue(edgetest.Command{Type: "run_discovery", Payload: json.RawMessage(`{"subnet":"127.0.0.0/29"}`)})
	<-d.looping
	edgetest.Eventually(t, "the ack and both events", func() bool {
		return len(cloud.Acks(cmd)) > 0 && len(storedOfKind(cloud, event.KindSecurityAlert)) == 1 && len(storedOfKind(cloud, event.KindDiscovery)) == 1
	})
	if ack := cloud.Acks(cmd)[0]; ack.Status != "completed" || !strings.Contains(string(ack.Result), `"alerts_raised":1`) {
		t.Fatalf("run_discovery ack = %+v", ack)
	}
}
