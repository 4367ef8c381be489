// Package watch is the agent's discovery: it answers run_discovery through
// the discovery scanner, scans the configured subnets on their schedules,
// and keeps a tracker state per watched subnet whose changes are spooled as
// security alerts.
package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/commands"
	"github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/discovery"
	"github.com/monozu/monozu/internal/edgeagent/event"
)

// Options configure a Watcher.
type Options struct {
	Scanner   discovery.Options
	Schedules []config.DiscoverySchedule // validated with Validate
	DataDir   string                     // tracker states live here
	Sink      commands.Spooler
	Log       *slog.Logger
}

// Watcher implements commands.Discoverer and, for the schedules, the
// agent's Loop.
type Watcher struct {
	scanner   *discovery.Scanner
	tracker   discovery.Tracker
	schedules []config.DiscoverySchedule
	watched   map[string]bool // masked subnets with a schedule
	dataDir   string
	sink      commands.Spooler
	log       *slog.Logger
	stateMu   sync.Mutex // a command and a scheduled scan of one subnet fold in turn
}

// New builds a Watcher over a scanner with opts.Scanner.
func New(opts Options) *Watcher {
	w := &Watcher{
		scanner: discovery.New(opts.Scanner), tracker: discovery.Tracker{OTPorts: discovery.OTPortsOf(opts.Scanner)},
		schedules: opts.Schedules, watched: map[string]bool{},
		dataDir: opts.DataDir, sink: opts.Sink, log: opts.Log,
	}
	for _, s := range opts.Schedules {
		w.watched[masked(s.Subnet)] = true
	}
	return w
}

// ScannerOptions are the scanner options the configuration asks for.
func ScannerOptions(cfg config.Config) discovery.Options {
	p := cfg.DiscoveryProtocols
	return discovery.Options{
		ModbusPorts: p.Modbus, ENIPPorts: p.ENIP, SNMPPorts: p.SNMP, HTTPPorts: p.HTTP, HTTPSPorts: p.HTTPS,
		NeighbourFile: cfg.DiscoveryNeighbourFile,
	}
}

// Validate checks the configured schedules, so a bad one stops the agent
// at start rather than being skipped in silence.
func Validate(schedules []config.DiscoverySchedule) error {
	seen := map[string]bool{}
	for i, s := range schedules {
		if err := request(s.Subnet, s.Ports, s.RatePPS).Validate(); err != nil {
			return fmt.Errorf("discovery[%d]: %w", i, err)
		}
		if s.IntervalS < 1 {
			return fmt.Errorf("discovery[%d]: interval_s must be at least 1", i)
		}
		if seen[masked(s.Subnet)] {
			return fmt.Errorf("discovery[%d]: subnet %s is listed twice", i, s.Subnet)
		}
		seen[masked(s.Subnet)] = true
	}
	return nil
}

// Discover runs one scan for run_discovery. An invalid request is rejected
// with its field errors; the summary is the command result.
func (w *Watcher) Discover(ctx context.Context, req commands.DiscoveryRequest) (any, []commands.Observation, error) {
	r := request(req.Subnet.String(), req.Ports, req.RatePPS)
	if err := r.Validate(); err != nil {
		return nil, nil, commands.Reject("%s", err.Error())
	}
	sum, obs, err := w.scanner.Scan(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	if w.watched[masked(r.Subnet)] {
		w.track(sum, obs)
	}
	return sum, observations(obs), nil
}

// Run scans every schedule at once and then at its interval, until ctx ends.
func (w *Watcher) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, s := range w.schedules {
		wg.Add(1)
		go func() { defer wg.Done(); w.runSchedule(ctx, s) }()
	}
	wg.Wait()
}

func (w *Watcher) runSchedule(ctx context.Context, s config.DiscoverySchedule) {
	tick := time.NewTicker(time.Duration(s.IntervalS) * time.Second)
	defer tick.Stop()
	for {
		w.scheduledScan(ctx, s)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (w *Watcher) scheduledScan(ctx context.Context, s config.DiscoverySchedule) {
	sum, obs, err := w.scanner.Scan(ctx, request(s.Subnet, s.Ports, s.RatePPS))
	if err != nil {
		if ctx.Err() == nil {
			w.log.Warn("scheduled discovery failed", "subnet", s.Subnet, "error", err.Error())
		}
		return
	}
	if err := spool(w.sink, event.KindDiscovery, observations(obs)); err != nil {
		w.log.Error("cannot spool discovery events", "subnet", s.Subnet, "error", err.Error())
		return
	}
	w.track(sum, obs)
	w.log.Info("scheduled discovery done", "subnet", sum.Subnet, "hosts_up", sum.HostsUp, "duration_ms", sum.DurationMS)
}

// track folds a complete scan into its subnet's persisted state and spools
// the changes as security alerts.
func (w *Watcher) track(sum discovery.Summary, obs []discovery.Observation) {
	w.stateMu.Lock()
	defer w.stateMu.Unlock()
	path := w.statePath(sum.Subnet)
	var prev discovery.State
	if err := config.ReadJSON(path, &prev); err != nil && !errors.Is(err, os.ErrNotExist) {
		w.log.Warn("discovery state unreadable; starting a new baseline", "subnet", sum.Subnet, "error", err.Error())
		prev = discovery.State{}
	}
	next, alerts := w.tracker.Observe(prev, sum, obs)
	// Alerts first: a crash between the two raises them again rather than never.
	if err := spool(w.sink, event.KindSecurityAlert, alerts); err != nil {
		w.log.Error("cannot spool discovery alerts", "subnet", sum.Subnet, "error", err.Error())
		return
	}
	if err := config.WriteJSON(path, next, 0o600); err != nil {
		w.log.Error("cannot save discovery state", "subnet", sum.Subnet, "error", err.Error())
	}
}

// StatePath is where the tracker state of subnet lives in dataDir.
func StatePath(dataDir, subnet string) string {
	return filepath.Join(dataDir, "discovery-"+strings.NewReplacer("/", "_", ":", "_").Replace(masked(subnet))+".json")
}

func (w *Watcher) statePath(subnet string) string { return StatePath(w.dataDir, subnet) }

// spool appends one event of kind per item.
func spool[T any](sink commands.Spooler, kind string, items []T) error {
	if len(items) == 0 {
		return nil
	}
	events := make([]event.Event, 0, len(items))
	for _, it := range items {
		ev, err := event.New(kind, it)
		if err != nil {
			return err
		}
		events = append(events, ev)
	}
	_, err := sink.Append(events...)
	return err
}

func request(subnet string, ports []int, pps int) discovery.Request {
	return discovery.Request{Subnet: subnet, Ports: ports, RatePPS: pps}
}

// masked is the canonical form of a subnet (as the summary names it).
func masked(subnet string) string {
	p, err := netip.ParsePrefix(strings.TrimSpace(subnet))
	if err != nil {
		return subnet
	}
	return p.Masked().String()
}
