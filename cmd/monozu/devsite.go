package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/demo"
	"github.com/monozu/monozu/internal/edgeagent/agent"
	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
	agentcommands "github.com/monozu/monozu/internal/edgeagent/commands"
	agentconfig "github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/lab"
	"github.com/monozu/monozu/internal/edgeagent/watch"
	"github.com/monozu/monozu/internal/platform/config"
	"github.com/monozu/monozu/internal/platform/database"
)

// The simulated edge site of monozu dev (DESIGN.md §1): the OT lab on
// loopback and an EdgeZu agent of the demo tenant, in this process, talking
// to the Cloud API and the ingestor over their public HTTP contract.
const (
	// devLabPortOffset keeps the lab off privileged ports, so make run works
	// without root (Modbus 10502, EtherNet/IP 54818, SNMP 10161, HTTP 10080).
	devLabPortOffset = 10000
	devLabFirstIP    = "127.0.0.10"
	// devScanInterval is how often the agent sweeps the lab: short enough
	// that a new user sees a change raised as an alert within a minute.
	devScanInterval = 20 * time.Second
)

// devLabScript makes the lab change early: a device appears after the
// first sweeps, later a PLC's firmware changes and a port opens.
func devLabScript() []lab.Step {
	return []lab.Step{
		{After: 15 * time.Second, Action: lab.ActionNewDevice},
		{After: 2 * time.Minute, Action: lab.ActionFirmwareChange},
		{After: 4 * time.Minute, Action: lab.ActionPortOpen},
	}
}

// runDevSite serves the lab and runs the agent until ctx ends. The agent's
// identity stays in MONOZU_DATA_DIR/edgezu, so restarts keep the device.
func runDevSite(ctx context.Context, cfg *config.Config, api *cloud.API, log zerolog.Logger) error {
	dataDir := filepath.Join(cfg.DataDir, "edgezu")
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	labOpts := lab.Options{FirstIP: devLabFirstIP, PortOffset: devLabPortOffset, Script: devLabScript(),
		NeighbourFile: filepath.Join(dataDir, "lab-neighbours")}
	subnet, err := labOpts.Subnet()
	if err != nil {
		return err
	}
	go func() {
		if err := lab.Run(ctx, labOpts); err != nil {
			log.Error().Err(err).Msg("the simulated OT lab stopped")
		}
	}()
	cloudURL := "http://localhost" + portOf(cfg.APIAddr)
	if err := waitReady(ctx, cloudURL); err != nil {
		return err
	}
	identity, err := devIdentity(ctx, cfg, api, dataDir, cloudURL)
	if err != nil {
		return fmt.Errorf("registering the simulated edge appliance: %w", err)
	}
	ports := labOpts.Ports()
	agentCfg := agentconfig.Config{
		CloudURL: cloudURL, Account: demo.AccountName, Name: identity.Name, DataDir: dataDir, LogLevel: "warn",
		TelemetryEveryS: 10,
		Discovery: []agentconfig.DiscoverySchedule{{Subnet: subnet, IntervalS: int(devScanInterval / time.Second),
			Ports: []int{ports.Modbus, ports.ENIP, ports.SNMP, ports.HTTP}}},
		DiscoveryProtocols: agentconfig.DiscoveryProtocols{Modbus: []int{ports.Modbus}, ENIP: []int{ports.ENIP},
			SNMP: []int{ports.SNMP}, HTTP: []int{ports.HTTP}},
		DiscoveryNeighbourFile: labOpts.NeighbourFile,
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	a, err := agent.New(agent.Options{Config: agentCfg, DataDir: dataDir, Identity: identity, Version: version, Executable: exe,
		LogOutput: os.Stderr, Discovery: func(sink agentcommands.Spooler, l *slog.Logger) agentcommands.Discoverer {
			return watch.New(watch.Options{Scanner: watch.ScannerOptions(agentCfg), Schedules: agentCfg.Discovery,
				DataDir: dataDir, Sink: sink, Log: l})
		}})
	if err != nil {
		return err
	}
	log.Info().Str("device_id", identity.DeviceID).Str("lab", subnet).Msg("simulated edge site running: OT lab on loopback and an EdgeZu agent of the demo tenant")
	err = a.Run(ctx)
	if errors.Is(err, agent.ErrRestart) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// devIdentity is the agent's identity from an earlier run, or a new
// registration with a one-use key of the demo tenant.
func devIdentity(ctx context.Context, cfg *config.Config, api *cloud.API, dataDir, cloudURL string) (agentconfig.Identity, error) {
	if id, err := agentconfig.LoadIdentity(dataDir); err == nil {
		return id, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return agentconfig.Identity{}, err
	}
	platform, err := database.OpenPlatform(ctx, database.Options{URL: cfg.DatabasePlatformURL, AppName: "monozu-dev-edge",
		MaxOpenConns: 1, QueryTimeout: cfg.DBQueryTimeout})
	if err != nil {
		return agentconfig.Identity{}, err
	}
	defer func() { _ = platform.Close() }()
	key, err := demo.EdgeProvisioningKey(ctx, api.Services, platform)
	if err != nil {
		return agentconfig.Identity{}, err
	}
	hostname, _ := os.Hostname()
	name := "edgezu-lab"
	reg, err := cloudapi.New(cloudURL, "", "", "monozu-dev/"+version).Register(ctx, demo.AccountName, key, cloudapi.Facts{
		Name: name, Location: "Simulated OT lab (monozu dev)", Type: "edgezu", Hostname: hostname, AgentVersion: version,
		OS: runtime.GOOS, Arch: runtime.GOARCH, Capabilities: []string{"telemetry", "commands", "ping", "port_check", "discovery"},
	})
	if err != nil {
		return agentconfig.Identity{}, err
	}
	id := agentconfig.Identity{DeviceID: reg.DeviceID, DeviceKey: reg.DeviceKey, TenantID: reg.TenantID, CloudURL: cloudURL,
		IngestURL: reg.IngestURL, Account: demo.AccountName, Name: name, PollIntervalS: reg.PollIntervalS,
		UploadIntervalS: reg.UploadIntervalS, RegisteredAt: time.Now().UTC()}
	return id, agentconfig.SaveIdentity(dataDir, id)
}

// waitReady polls the Cloud API's readiness until it answers 200.
func waitReady(ctx context.Context, base string) error {
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
		if err != nil {
			return err
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
