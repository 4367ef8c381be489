package watch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
	"github.com/monozu/monozu/internal/edgeagent/commands"
	"github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/discovery"
	"github.com/monozu/monozu/internal/edgeagent/edgetest"
	"github.com/monozu/monozu/internal/edgeagent/event"
	"github.com/monozu/monozu/internal/edgeagent/lab"
	"github.com/monozu/monozu/internal/edgeagent/spool"
	"github.com/monozu/monozu/internal/edgeagent/watch"
)

// fixture is a lab on a random loopback /29 (port offset 10000), a real
// spool and a watcher configured the way cmd/edgezu configures it.
type fixture struct {
	lab     *lab.Lab
	opts    lab.Options
	subnet  string
	ports   []int
	spool   *spool.Spool
	dataDir string
	cfg     config.Config
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	x, y := 1+rand.IntN(250), rand.IntN(256)
	opts := lab.Options{FirstIP: fmt.Sprintf("127.%d.%d.9", x, y), PortOffset: 10000, NeighbourFile: filepath.Join(t.TempDir(), "arp")}
	l, err := lab.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	subnet, err := opts.Subnet()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sp, err := spool.Open(filepath.Join(dir, "spool.db"), spool.DefaultMaxBytes)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sp.Close() })
	p := opts.Ports()
	return &fixture{
		lab: l, opts: opts, subnet: subnet, ports: []int{p.HTTP, p.SNMP, p.Modbus, p.ENIP}, spool: sp, dataDir: dir,
		cfg: config.Config{
			DiscoveryProtocols:     config.DiscoveryProtocols{Modbus: []int{p.Modbus}, ENIP: []int{p.ENIP}, SNMP: []int{p.SNMP}, HTTP: []int{p.HTTP}},
			DiscoveryNeighbourFile: opts.NeighbourFile,
		},
	}
}

func (f *fixture) watcher(schedules ...config.DiscoverySchedule) *watch.Watcher {
	opts := watch.ScannerOptions(f.cfg)
	opts.SkipReverseDNS = true
	return watch.New(watch.Options{Scanner: opts, Schedules: schedules, DataDir: f.dataDir, Sink: f.spool, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func (f *fixture) schedule() config.DiscoverySchedule {
	return config.DiscoverySchedule{Subnet: f.subnet, Ports: f.ports, RatePPS: discovery.MaxPPS, IntervalS: 3600}
}

// events takes the spooled events of kind, their data decoded.
func (f *fixture) events(t *testing.T, kind string) []map[string]any {
	t.Helper()
	items, err := f.spool.Peek(10000, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, it := range items {
		var ev event.Event
		if err := json.Unmarshal(it.Raw, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Kind != kind {
			continue
		}
		var data map[string]any
		if err := json.Unmarshal(ev.Data, &data); err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// recordingAcker keeps the acks the dispatcher sends.
type recordingAcker struct {
	mu   sync.Mutex
	acks map[string]cloudapi.Ack
}

func (r *recordingAcker) AckCommand(_ context.Context, id string, ack cloudapi.Ack) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.acks[id] = ack
	return nil
}

// command runs one run_discovery through the real dispatcher and answers its ack.
func (f *fixture) command(t *testing.T, w *watch.Watcher, payload map[string]any) cloudapi.Ack {
	t.Helper()
	ledger, err := commands.OpenLedger(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	acker := &recordingAcker{acks: map[string]cloudapi.Ack{}}
	d := commands.NewDispatcher(ledger, acker, slog.New(slog.NewTextHandler(io.Discard, nil)),
		map[string]commands.Handler{"run_discovery": commands.RunDiscovery(w, f.spool)})
	raw, _ := json.Marshal(payload)
	if err := d.Handle(context.Background(), cloudapi.Command{ID: "c1", Type: "run_discovery", Payload: raw}); err != nil {
		t.Fatal(err)
	}
	return acker.acks["c1"]
}

func TestScheduledDiscovery(t *testing.T) {
	f := newFixture(t)
	w := f.watcher(f.schedule())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	edgetest.Eventually(t, "the first scheduled scan spools the lab's devices", func() bool { return len(f.events(t, event.KindDiscovery)) == 5 })
	byIP := map[string]map[string]any{}
	for _, d := range f.events(t, event.KindDiscovery) {
		for key := range d {
			if !strings.Contains("ip mac hostname open_ports vendor model firmware serial protocols identity", key) {
				t.Errorf("discovery data has field %q the ingestor does not know", key)
			}
		}
		byIP[d["ip"].(string)] = d
	}
	devices, err := lab.Describe(f.opts)
	if err != nil {
		t.Fatal(err)
	}
	plcA := byIP[devices[0].IP]
	if plcA["vendor"] != devices[0].Vendor || plcA["model"] != devices[0].Model || plcA["firmware"] != lab.PLCAFirmware || plcA["mac"] == "" {
		t.Fatalf("plc-a = %v", plcA)
	}
	edgetest.Eventually(t, "the baseline is saved", func() bool {
		_, err := os.Stat(watch.StatePath(f.dataDir, f.subnet))
		return err == nil
	})
	if alerts := f.events(t, event.KindSecurityAlert); len(alerts) != 0 {
		t.Fatalf("the baseline scan raised %v", alerts)
	}

	t.Run("a command scan of the watched subnet raises the lab's change as a security alert", func(t *testing.T) {
		if err := f.lab.Apply(lab.ActionNewDevice); err != nil {
			t.Fatal(err)
		}
		ack := f.command(t, w, map[string]any{"subnet": f.subnet, "ports": f.ports, "rate_pps": discovery.MaxPPS})
		var sum discovery.Summary
		if err := json.Unmarshal(ack.Result, &sum); ack.Status != commands.StatusCompleted || err != nil || sum.HostsUp != 6 {
			t.Fatalf("ack = %+v (%v)", ack, err)
		}
		alerts := f.events(t, event.KindSecurityAlert)
		if len(alerts) != 1 || alerts[0]["signature_id"] != discovery.EventNewDevice || alerts[0]["asset_ip"] != devices[5].IP {
			t.Fatalf("alerts = %v", alerts)
		}
		var st discovery.State
		if err := config.ReadJSON(watch.StatePath(f.dataDir, f.subnet), &st); err != nil || len(st.Devices) != 6 {
			t.Fatalf("state = %+v, %v", st, err)
		}
	})
}

func TestCommandDiscovery(t *testing.T) {
	f := newFixture(t)
	w := f.watcher()
	t.Run("an unwatched subnet is scanned without a tracker state", func(t *testing.T) {
		ack := f.command(t, w, map[string]any{"subnet": f.subnet, "ports": f.ports, "rate_pps": discovery.MaxPPS})
		if ack.Status != commands.StatusCompleted || len(f.events(t, event.KindDiscovery)) != 5 {
			t.Fatalf("ack = %+v", ack)
		}
		if _, err := os.Stat(watch.StatePath(f.dataDir, f.subnet)); !os.IsNotExist(err) {
			t.Fatalf("state of an unwatched subnet: %v", err)
		}
	})
	t.Run("an invalid request is rejected with its field errors", func(t *testing.T) {
		ports := make([]int, discovery.MaxPorts+1)
		for i := range ports {
			ports[i] = i + 1
		}
		ack := f.command(t, w, map[string]any{"subnet": "10.0.0.0/16", "ports": ports})
		if ack.Status != commands.StatusRejected || !strings.Contains(ack.Error, "subnet: at most a /22") || !strings.Contains(ack.Error, "ports") {
			t.Fatalf("ack = %+v", ack)
		}
	})
}

func TestValidate(t *testing.T) {
	ok := config.DiscoverySchedule{Subnet: "192.168.10.0/24", IntervalS: 600}
	cases := map[string]struct {
		schedules []config.DiscoverySchedule
		want      string
	}{
		"none":         {nil, ""},
		"one":          {[]config.DiscoverySchedule{ok}, ""},
		"too wide":     {[]config.DiscoverySchedule{{Subnet: "10.0.0.0/8", IntervalS: 600}}, "discovery[0]: invalid discovery request: subnet"},
		"no interval":  {[]config.DiscoverySchedule{{Subnet: "10.0.0.0/24"}}, "interval_s"},
		"too fast":     {[]config.DiscoverySchedule{{Subnet: "10.0.0.0/24", IntervalS: 60, RatePPS: 5000}}, "rate_pps"},
		"listed twice": {[]config.DiscoverySchedule{ok, {Subnet: "192.168.10.7/24", IntervalS: 60}}, "discovery[1]: subnet 192.168.10.7/24 is listed twice"},
		"not a subnet": {[]config.DiscoverySchedule{{Subnet: "plant-7", IntervalS: 60}}, "subnet"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := watch.Validate(tc.schedules)
			if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("Validate = %v, want %q", err, tc.want)
			}
		})
	}
}
