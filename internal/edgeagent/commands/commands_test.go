package commands_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
	"github.com/monozu/monozu/internal/edgeagent/commands"
	"github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/edgetest"
	"github.com/monozu/monozu/internal/edgeagent/event"
	"github.com/monozu/monozu/internal/edgeagent/spool"
	"github.com/monozu/monozu/internal/edgeagent/update"
)

type rig struct {
	cloud   *edgetest.Cloud
	client  *cloudapi.Client
	dataDir string
	spool   *spool.Spool
}

func newRig(t *testing.T) *rig {
	t.Helper()
	cloud := edgetest.New(t)
	dir := t.TempDir()
	sp, err := spool.Open(filepath.Join(dir, "spool.db"), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sp.Close() })
	return &rig{cloud: cloud, client: cloudapi.New(cloud.URL(), cloud.URL(), edgetest.DeviceKey, "test"), dataDir: dir, spool: sp}
}

func (r *rig) dispatcher(t *testing.T, handlers map[string]commands.Handler) *commands.Dispatcher {
	t.Helper()
	ledger, err := commands.OpenLedger(r.dataDir)
	if err != nil {
		t.Fatal(err)
	}
	return commands.NewDispatcher(ledger, r.client, slog.New(slog.DiscardHandler), handlers)
}

// deliver polls the fake Cloud like the agent does and handles what it gets.
func (r *rig) deliver(t *testing.T, d *commands.Dispatcher) {
	t.Helper()
	cmds, err := r.client.Commands(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		_ = d.Handle(context.Background(), c)
	}
}

// one queues a command, delivers it and returns its single ack.
func (r *rig) one(t *testing.T, d *commands.Dispatcher, typ string, payload any) edgetest.Ack {
	t.Helper()
	raw, _ := json.Marshal(payload)
	id := r.cloud.Queue(edgetest.Command{Type: typ, Payload: raw})
	r.deliver(t, d)
	acks := r.cloud.Acks(id)
	if len(acks) != 1 {
		t.Fatalf("%s: %d acks, want 1", typ, len(acks))
	}
	return acks[0]
}

func wantStatus(t *testing.T, ack edgetest.Ack, status, errPart string) {
	t.Helper()
	if ack.Status != status || !strings.Contains(ack.Error, errPart) {
		t.Fatalf("ack = %s %q (result %s), want %s containing %q", ack.Status, ack.Error, ack.Result, status, errPart)
	}
}

func listener(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	return port
}

func TestUnknownTypeIsRejected(t *testing.T) {
	r := newRig(t)
	d := r.dispatcher(t, map[string]commands.Handler{"ping": commands.Ping})
	wantStatus(t, r.one(t, d, "format_disk", map[string]string{}), commands.StatusRejected, "unknown command type")
}

func TestRedeliveredCommandRunsOnceAcrossRestarts(t *testing.T) {
	r := newRig(t)
	var runs atomic.Int32
	handlers := map[string]commands.Handler{"count": func(context.Context, json.RawMessage) (commands.Result, error) {
		runs.Add(1)
		return commands.Result{Data: map[string]int{"run": int(runs.Load())}}, nil
	}}
	d := r.dispatcher(t, handlers)
	id := r.cloud.Queue(edgetest.Command{Type: "count", Payload: json.RawMessage(`{}`)})
	r.deliver(t, d)
	r.cloud.Redeliver(id) // the ack was "lost"
	r.deliver(t, d)
	// A new dispatcher on the same data folder is the agent after a restart.
	r.cloud.Redeliver(id)
	r.deliver(t, r.dispatcher(t, handlers))
	if runs.Load() != 1 {
		t.Fatalf("handler ran %d times, want 1", runs.Load())
	}
	acks := r.cloud.Acks(id)
	if len(acks) != 1 || acks[0].Status != commands.StatusCompleted || string(acks[0].Result) != `{"run":1}` {
		t.Fatalf("last ack = %+v, want the first run's result again", acks)
	}
}

func TestCommandInterruptedByCrashIsNotRepeated(t *testing.T) {
	r := newRig(t)
	var runs atomic.Int32
	block := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	handlers := map[string]commands.Handler{"slow": func(ctx context.Context, _ json.RawMessage) (commands.Result, error) {
		runs.Add(1)
		close(started)
		<-block
		return commands.Result{}, nil
	}}
	d := r.dispatcher(t, handlers)
	id := r.cloud.Queue(edgetest.Command{Type: "slow", Payload: json.RawMessage(`{}`)})
	cmds, err := r.client.Commands(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = d.Handle(ctx, cmds[0]) }()
	<-started
	// Same process, still running: a redelivery is ignored.
	if err := d.Handle(ctx, cmds[0]); err != nil || len(r.cloud.Acks(id)) != 0 {
		t.Fatalf("redelivery while running: err %v, acks %d", err, len(r.cloud.Acks(id)))
	}
	// The "restarted" agent finds it started but never finished.
	r.deliver(t, r.dispatcher(t, handlers))
	cancel()
	close(block)
	wg.Wait()
	if runs.Load() != 1 {
		t.Fatalf("handler ran %d times, want 1", runs.Load())
	}
	wantStatus(t, r.cloud.Acks(id)[0], commands.StatusFailed, "stopped while running")
}

func TestPing(t *testing.T) {
	r := newRig(t)
	d := r.dispatcher(t, map[string]commands.Handler{"ping": commands.Ping})
	open := listener(t)
	for name, target := range map[string]string{
		"listening port": "127.0.0.1:" + strconv.Itoa(open),
		"refused port":   "127.0.0.1:" + strconv.Itoa(closedPort(t)),
	} {
		t.Run(name, func(t *testing.T) {
			ack := r.one(t, d, "ping", map[string]any{"target": target, "count": 2})
			wantStatus(t, ack, commands.StatusCompleted, "")
			var res commands.PingResult
			if err := json.Unmarshal(ack.Result, &res); err != nil {
				t.Fatal(err)
			}
			if !res.Reachable || res.Sent != 2 || res.Received != 2 || len(res.RTTms) != 2 || res.Method != "tcp_connect" {
				t.Fatalf("ping result = %+v", res)
			}
		})
	}
	t.Run("bad target is rejected", func(t *testing.T) {
		wantStatus(t, r.one(t, d, "ping", map[string]any{"target": "rm -rf /"}), commands.StatusRejected, "not an IP address or host name")
		wantStatus(t, r.one(t, d, "ping", map[string]any{"target": ""}), commands.StatusRejected, "target is required")
		wantStatus(t, r.one(t, d, "ping", map[string]any{"target": "127.0.0.1", "count": 99}), commands.StatusRejected, "count")
	})
}

func TestPortCheck(t *testing.T) {
	r := newRig(t)
	d := r.dispatcher(t, map[string]commands.Handler{"port_check": commands.PortCheck})
	open, closed := listener(t), closedPort(t)
	ack := r.one(t, d, "port_check", map[string]any{"target": "127.0.0.1", "ports": []int{open, closed}})
	wantStatus(t, ack, commands.StatusCompleted, "")
	var res commands.PortCheckResult
	if err := json.Unmarshal(ack.Result, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Open) != 1 || res.Open[0] != open || res.Ports[0].State != "open" || res.Ports[1].State != "closed" {
		t.Fatalf("port_check result = %+v", res)
	}
	wantStatus(t, r.one(t, d, "port_check", map[string]any{"target": "127.0.0.1", "ports": []int{0}}), commands.StatusRejected, "not 1-65535")
	wantStatus(t, r.one(t, d, "port_check", map[string]any{"target": "127.0.0.1"}), commands.StatusRejected, "ports is required")
}

// fileSettings is commands.Settings over the real persisted overrides.
type fileSettings struct {
	dir     string
	applied []config.Settings
}

func (f *fileSettings) Current() config.Settings {
	s, _ := config.LoadSettings(f.dir)
	return s
}

func (f *fileSettings) Apply(s config.Settings) error {
	f.applied = append(f.applied, s)
	return config.SaveSettings(f.dir, s)
}

func TestConfigUpdate(t *testing.T) {
	r := newRig(t)
	store := &fileSettings{dir: r.dataDir}
	d := r.dispatcher(t, map[string]commands.Handler{"config_update": commands.ConfigUpdate(store)})
	wantStatus(t, r.one(t, d, "config_update", map[string]any{"settings": map[string]any{"poll_interval_s": 3}}), commands.StatusCompleted, "")
	wantStatus(t, r.one(t, d, "config_update", map[string]any{"settings": map[string]any{"upload_interval_s": 2, "log_level": "debug"}}), commands.StatusCompleted, "")
	got, err := config.LoadSettings(r.dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if got.PollIntervalS == nil || *got.PollIntervalS != 3 || got.UploadIntervalS == nil || *got.UploadIntervalS != 2 || *got.LogLevel != "debug" {
		t.Fatalf("persisted overrides = %+v, want both updates merged", got)
	}
	in := config.Resolve(config.Config{}, config.Identity{PollIntervalS: 10}, got)
	if in.Poll.Seconds() != 3 || in.Upload.Seconds() != 2 || in.Telemetry.Seconds() != 30 {
		t.Fatalf("resolved intervals = %+v", in)
	}
	for name, settings := range map[string]any{
		"unknown key":  map[string]any{"shell": "sh"},
		"out of range": map[string]any{"poll_interval_s": 0},
		"bad level":    map[string]any{"log_level": "loud"},
		"empty":        map[string]any{},
	} {
		t.Run(name, func(t *testing.T) {
			before := len(store.applied)
			wantStatus(t, r.one(t, d, "config_update", map[string]any{"settings": settings}), commands.StatusRejected, "settings")
			if len(store.applied) != before {
				t.Fatal("a rejected config_update was applied")
			}
		})
	}
}

func TestRestartServiceOnlyAllowlisted(t *testing.T) {
	r := newRig(t)
	var restarts atomic.Int32
	var ackedFirst atomic.Bool
	var id string
	restart := func() {
		ackedFirst.Store(len(r.cloud.Acks(id)) == 1)
		restarts.Add(1)
	}
	d := r.dispatcher(t, map[string]commands.Handler{"restart_service": commands.RestartService(map[string]func(){"edgezu": restart})})
	raw, _ := json.Marshal(map[string]string{"service": "edgezu"})
	id = r.cloud.Queue(edgetest.Command{Type: "restart_service", Payload: raw})
	r.deliver(t, d)
	wantStatus(t, r.cloud.Acks(id)[0], commands.StatusCompleted, "")
	if restarts.Load() != 1 || !ackedFirst.Load() {
		t.Fatalf("restarts = %d, acked before restarting = %v", restarts.Load(), ackedFirst.Load())
	}
	for _, svc := range []string{"sshd", "edgezu; reboot", ""} {
		wantStatus(t, r.one(t, d, "restart_service", map[string]string{"service": svc}), commands.StatusRejected, "not one the agent may restart")
	}
	if restarts.Load() != 1 {
		t.Fatalf("a refused service restarted something")
	}
}

type fakeDiscoverer struct{ got commands.DiscoveryRequest }

func (f *fakeDiscoverer) Discover(_ context.Context, req commands.DiscoveryRequest) (any, []commands.Observation, error) {
	f.got = req
	return map[string]any{"subnet": req.Subnet.String(), "hosts_probed": 254, "hosts_up": 2},
		[]commands.Observation{{IP: "192.0.2.10", OpenPorts: []int{502}, Vendor: "Schneider Electric"}, {IP: "192.0.2.11"}}, nil
}

func TestRunDiscovery(t *testing.T) {
	r := newRig(t)
	t.Run("unavailable build fails", func(t *testing.T) {
		d := r.dispatcher(t, map[string]commands.Handler{"run_discovery": commands.RunDiscovery(commands.NoDiscovery{}, r.spool)})
		wantStatus(t, r.one(t, d, "run_discovery", map[string]any{"subnet": "192.0.2.0/24"}), commands.StatusFailed, "discovery is not available in this build")
	})
	t.Run("observations become discovery events", func(t *testing.T) {
		fd := &fakeDiscoverer{}
		d := r.dispatcher(t, map[string]commands.Handler{"run_discovery": commands.RunDiscovery(fd, r.spool)})
		ack := r.one(t, d, "run_discovery", map[string]any{"subnet": "192.0.2.7/24", "ports": []int{502, 102}, "rate_pps": 50})
		wantStatus(t, ack, commands.StatusCompleted, "")
		if fd.got.Subnet.String() != "192.0.2.0/24" || len(fd.got.Ports) != 2 || fd.got.RatePPS != 50 {
			t.Fatalf("discoverer got %+v", fd.got)
		}
		var sum struct {
			HostsUp int `json:"hosts_up"`
		}
		if err := json.Unmarshal(ack.Result, &sum); err != nil || sum.HostsUp != 2 {
			t.Fatalf("summary = %s (%v)", ack.Result, err)
		}
		items, err := r.spool.Peek(10, 1<<20)
		if err != nil || len(items) != 2 {
			t.Fatalf("spooled %d events, %v; want 2", len(items), err)
		}
		var ev event.Event
		if err := json.Unmarshal(items[0].Raw, &ev); err != nil || ev.Kind != event.KindDiscovery || !strings.Contains(string(ev.Data), `"open_ports":[502]`) {
			t.Fatalf("first event = %s", items[0].Raw)
		}
	})
	t.Run("bad payloads are rejected", func(t *testing.T) {
		d := r.dispatcher(t, map[string]commands.Handler{"run_discovery": commands.RunDiscovery(&fakeDiscoverer{}, r.spool)})
		wantStatus(t, r.one(t, d, "run_discovery", map[string]any{"subnet": "everything"}), commands.StatusRejected, "not a CIDR")
		wantStatus(t, r.one(t, d, "run_discovery", map[string]any{"subnet": "192.0.2.0/24", "rate_pps": 5000}), commands.StatusRejected, "rate_pps")
		wantStatus(t, r.one(t, d, "run_discovery", map[string]any{"subnet": "192.0.2.0/24", "ports": []int{70000}}), commands.StatusRejected, "not 1-65535")
	})
}

type fakeUpdater struct {
	out update.Outcome
	err error
}

func (f fakeUpdater) Update(context.Context, string) (update.Outcome, error) { return f.out, f.err }

func TestUpdateAgentCommand(t *testing.T) {
	r := newRig(t)
	var restarts atomic.Int32
	restart := func() { restarts.Add(1) }
	cases := []struct {
		name     string
		up       fakeUpdater
		status   string
		errPart  string
		restarts int32
	}{
		{"new version restarts", fakeUpdater{out: update.Outcome{PreviousVersion: "1.0.0", Version: "1.1.0", Changed: true}}, commands.StatusCompleted, "", 1},
		{"same version does not", fakeUpdater{out: update.Outcome{PreviousVersion: "1.1.0", Version: "1.1.0"}}, commands.StatusCompleted, "", 1},
		{"failed check fails", fakeUpdater{err: errors.New("release SHA-256 is x, the Cloud announced y")}, commands.StatusFailed, "SHA-256", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := r.dispatcher(t, map[string]commands.Handler{"update_agent": commands.UpdateAgent(tc.up, restart)})
			wantStatus(t, r.one(t, d, "update_agent", map[string]string{"version": "1.1.0"}), tc.status, tc.errPart)
			if restarts.Load() != tc.restarts {
				t.Fatalf("restarts = %d, want %d", restarts.Load(), tc.restarts)
			}
		})
	}
}
