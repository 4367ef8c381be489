// Package agent is `edgezu run`: the spool, the upload loop, command
// polling (the heartbeat), telemetry, the status file and clean shutdown.
package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
	"github.com/monozu/monozu/internal/edgeagent/commands"
	"github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/event"
	"github.com/monozu/monozu/internal/edgeagent/spool"
	"github.com/monozu/monozu/internal/edgeagent/telemetry"
	"github.com/monozu/monozu/internal/edgeagent/update"
	"github.com/monozu/monozu/internal/edgeagent/uploader"
)

// Timings that are not configurable.
const (
	statusEvery   = 2 * time.Second
	flushTimeout  = 5 * time.Second
	shipQueueSize = 256
)

// Options is everything Run needs; cmd/edgezu fills it.
type Options struct {
	Config     config.Config
	DataDir    string
	Identity   config.Identity
	Version    string
	Executable string           // the running binary (update_agent replaces it)
	Discovery  DiscoveryFactory // nil: a build without discovery (run_discovery fails)
	LogOutput  io.Writer        // local structured log (stderr)
	// NoTelemetry turns off the telemetry loop (benchmarks measure the
	// agent's own cost without the one-second CPU sample).
	NoTelemetry bool
}

// DiscoveryFactory builds the discoverer once the spool is open, so it can
// spool the security events it raises itself (new device, changed
// identity, newly opened OT port). A discoverer that also implements Loop
// runs beside the agent's loops (scheduled discovery of configured subnets).
type DiscoveryFactory func(sink commands.Spooler, log *slog.Logger) commands.Discoverer

// Loop is a component with its own loop; it must return when ctx ends.
type Loop interface {
	Run(ctx context.Context)
}

// Agent is one running agent.
type Agent struct {
	opts     Options
	spool    *spool.Spool
	client   *cloudapi.Client
	log      *slog.Logger
	level    *slog.LevelVar
	ship     chan shipped
	settings *settingsStore
	status   *tracker
	dispatch *commands.Dispatcher
	discover commands.Discoverer

	restartOnce sync.Once
	restart     chan struct{}
}

// ErrRestart is returned by Run when a command asked the agent to restart;
// the caller re-executes the (possibly new) binary.
var ErrRestart = errors.New("restart requested")

// New opens the spool and wires the loops; Run starts them.
func New(opts Options) (*Agent, error) {
	if opts.LogOutput == nil {
		opts.LogOutput = os.Stderr
	}
	overrides, err := config.LoadSettings(opts.DataDir)
	if err != nil {
		return nil, err
	}
	a := &Agent{opts: opts, level: new(slog.LevelVar), ship: make(chan shipped, shipQueueSize), restart: make(chan struct{})}
	a.level.Set(parseLevel(opts.Config.LogLevel))
	local := slog.NewJSONHandler(opts.LogOutput, &slog.HandlerOptions{Level: a.level})
	a.log = slog.New(&shipper{local: local, queue: a.ship}).With("device_id", opts.Identity.DeviceID)

	maxBytes := opts.Config.SpoolMaxBytes
	if overrides.SpoolMaxBytes != nil {
		maxBytes = *overrides.SpoolMaxBytes
	}
	if a.spool, err = spool.Open(filepath.Join(opts.DataDir, "spool.db"), maxBytes); err != nil {
		return nil, err
	}
	a.client = cloudapi.New(opts.Identity.CloudURL, opts.Identity.IngestURL, opts.Identity.DeviceKey, "edgezu/"+opts.Version)
	a.settings = &settingsStore{agent: a, current: overrides}
	a.settings.resolve()
	a.status = &tracker{st: config.Status{PID: os.Getpid(), Version: opts.Version, StartedAt: time.Now().UTC()}}

	a.discover = commands.NoDiscovery{}
	if opts.Discovery != nil {
		a.discover = opts.Discovery(a.spool, a.log.With("component", "discovery"))
	}
	ledger, err := commands.OpenLedger(opts.DataDir)
	if err != nil {
		_ = a.spool.Close()
		return nil, err
	}
	a.dispatch = commands.NewDispatcher(ledger, a.client, a.log, a.handlers())
	return a, nil
}

func (a *Agent) handlers() map[string]commands.Handler {
	upd := &update.Updater{
		Releases: a.client, Channel: channelOf(a.opts.Config), Executable: a.opts.Executable,
		CurrentVersion: a.opts.Version, PublicKey: releaseKey(a.opts.Config, a.log),
	}
	return map[string]commands.Handler{
		"ping":            commands.Ping,
		"port_check":      commands.PortCheck,
		"config_update":   commands.ConfigUpdate(a.settings),
		"restart_service": commands.RestartService(map[string]func(){"edgezu": a.requestRestart, "agent": a.requestRestart}),
		"run_discovery":   commands.RunDiscovery(a.discover, a.spool),
		"update_agent":    commands.UpdateAgent(upd, a.requestRestart),
	}
}

// Spool is the agent's queue (collectors outside the agent append to it).
func (a *Agent) Spool() *spool.Spool { return a.spool }

// Logger is the agent's logger (warnings and errors are shipped).
func (a *Agent) Logger() *slog.Logger { return a.log }

func (a *Agent) requestRestart() {
	a.restartOnce.Do(func() { close(a.restart) })
}

// Run runs until ctx ends (SIGTERM) or a restart is requested, then stops
// the loops, flushes what the ingestor takes within five seconds, writes
// the final status and closes the spool. Everything not delivered stays
// spooled for the next start.
func (a *Agent) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var restarting atomic.Bool
	go func() {
		select {
		case <-a.restart:
			restarting.Store(true)
			cancel()
		case <-ctx.Done():
		}
	}()
	a.log.Info("agent started", "version", a.opts.Version, "cloud_url", a.opts.Identity.CloudURL, "ingest_url", a.opts.Identity.IngestURL)
	// Shipped too, so the device page shows every start and the version it
	// runs (after update_agent, the new one).
	a.appendLog(shipped{level: slog.LevelInfo, message: "agent started, version " + a.opts.Version})

	up := &uploader.Uploader{
		Spool: a.spool, Ingest: a.client, Log: a.log,
		Interval:  func() time.Duration { return a.settings.intervals().Upload },
		Delivered: a.status.delivered, Failed: a.status.failed,
	}
	var wg sync.WaitGroup
	loops := []func(context.Context){up.Run, a.pollLoop, a.shipLoop, a.statusLoop}
	if !a.opts.NoTelemetry {
		loops = append(loops, a.telemetryLoop)
	}
	if l, ok := a.discover.(Loop); ok {
		loops = append(loops, l.Run)
	}
	for _, loop := range loops {
		wg.Add(1)
		go func() { defer wg.Done(); loop(ctx) }()
	}
	<-ctx.Done()
	wg.Wait()

	a.log.Info("agent stopping; flushing the spool", "queued", a.spool.Stats().Events)
	a.drainShipQueue()
	flushCtx, stop := context.WithTimeout(context.Background(), flushTimeout)
	if err := up.Drain(flushCtx); err != nil {
		a.log.Info("flush incomplete; the rest stays spooled", "error", err.Error(), "queued", a.spool.Stats().Events)
	}
	stop()
	a.writeStatus(true)
	if err := a.spool.Close(); err != nil {
		return fmt.Errorf("close spool: %w", err)
	}
	if restarting.Load() {
		return ErrRestart
	}
	return nil
}

// pollLoop fetches commands every poll interval; each poll is also the
// device's heartbeat. Commands run one at a time beside the polling, so a
// long discovery does not silence the heartbeat.
func (a *Agent) pollLoop(ctx context.Context) {
	work := make(chan cloudapi.Command, 64)
	var queued sync.Map // ids polled but not yet handled: a second poll does not queue them again
	worker := make(chan struct{})
	go func() {
		defer close(worker)
		for {
			select {
			case <-ctx.Done():
				return
			case cmd := <-work:
				_ = a.dispatch.Handle(ctx, cmd)
				queued.Delete(cmd.ID)
			}
		}
	}()
	every(ctx, func() time.Duration { return a.settings.intervals().Poll }, func() {
		cmds, err := a.client.Commands(ctx)
		if err != nil {
			if ctx.Err() == nil {
				a.log.Warn("command poll failed", "error", err.Error())
				a.status.failed(err)
			}
			return
		}
		a.status.polled(time.Now().UTC())
		for _, cmd := range cmds {
			if _, dup := queued.LoadOrStore(cmd.ID, true); dup {
				continue
			}
			select {
			case work <- cmd:
			default: // the queue is full; the Cloud redelivers after the lease
				queued.Delete(cmd.ID)
			}
		}
	})
	// A command still running sees ctx end; the spool stays open until it returns.
	<-worker
}

func (a *Agent) telemetryLoop(ctx context.Context) {
	every(ctx, func() time.Duration { return a.settings.intervals().Telemetry }, func() {
		sample, err := telemetry.Collect(ctx, a.opts.DataDir)
		if err != nil {
			if ctx.Err() == nil {
				a.log.Warn("telemetry sample failed", "error", err.Error())
			}
			return
		}
		a.append(event.KindTelemetry, sample)
	})
}

// shipLoop turns queued warnings and errors into log events.
func (a *Agent) shipLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case s := <-a.ship:
			a.appendLog(s)
		}
	}
}

func (a *Agent) drainShipQueue() {
	for {
		select {
		case s := <-a.ship:
			a.appendLog(s)
		default:
			return
		}
	}
}

func (a *Agent) appendLog(s shipped) {
	ev, err := event.New(event.KindLog, event.Log{Level: levelName(s.level), Message: s.message, Source: "edgezu"})
	if err == nil {
		_, err = a.spool.Append(ev)
	}
	if err != nil {
		// Not through a.log: that would queue this failure again.
		_, _ = fmt.Fprintf(a.opts.LogOutput, "{\"level\":\"ERROR\",\"msg\":\"cannot spool a log event\",\"error\":%q}\n", err.Error())
	}
}

// append spools one event; failures are logged (and so shipped later).
func (a *Agent) append(kind string, data any) {
	ev, err := event.New(kind, data)
	if err == nil {
		_, err = a.spool.Append(ev)
	}
	if err != nil {
		a.log.Error("cannot spool an event", "kind", kind, "error", err.Error())
	}
}

// statusLoop publishes the status file and reports new drops once.
func (a *Agent) statusLoop(ctx context.Context) {
	reported := a.spool.Stats().Drops
	every(ctx, func() time.Duration { return statusEvery }, func() {
		if drops := a.spool.Stats().Drops; drops > reported {
			a.log.Warn("spool full: events dropped", "dropped", drops-reported, "dropped_total", drops)
			reported = drops
		}
		a.writeStatus(false)
	})
}

func (a *Agent) writeStatus(stopped bool) {
	in := a.settings.intervals()
	st := a.status.snapshot()
	qs := a.spool.Stats()
	st.UpdatedAt, st.Stopped = time.Now().UTC(), stopped
	st.QueueEvents, st.QueueBytes, st.Drops, st.Produced = qs.Events, qs.Bytes, qs.Drops, qs.Appended
	st.PollInterval, st.UploadInterval, st.Telemetry = in.Poll.String(), in.Upload.String(), in.Telemetry.String()
	if err := config.SaveStatus(a.opts.DataDir, st); err != nil {
		_, _ = fmt.Fprintf(a.opts.LogOutput, "{\"level\":\"WARN\",\"msg\":\"cannot write the status file\",\"error\":%q}\n", err.Error())
	}
}

// every runs fn now and then after each period (read again every time, so
// config_update takes effect at the next tick) until ctx ends.
func every(ctx context.Context, period func() time.Duration, fn func()) {
	for {
		fn()
		t := time.NewTimer(period())
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

func parseLevel(s string) slog.Level {
	var l slog.Level
	if l.UnmarshalText([]byte(s)) != nil {
		return slog.LevelInfo
	}
	return l
}

func channelOf(c config.Config) string {
	if c.Channel != "" {
		return c.Channel
	}
	return config.DefaultChannel
}
