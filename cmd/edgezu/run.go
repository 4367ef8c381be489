package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/monozu/monozu/internal/edgeagent/agent"
	"github.com/monozu/monozu/internal/edgeagent/commands"
	"github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/watch"
)

// discoveryFactory answers run_discovery and scans the configured schedules,
// keeping the tracker states in the data folder.
func discoveryFactory(cfg config.Config, dataDir string) agent.DiscoveryFactory {
	return func(sink commands.Spooler, log *slog.Logger) commands.Discoverer {
		return watch.New(watch.Options{
			Scanner: watch.ScannerOptions(cfg), Schedules: cfg.Discovery, DataDir: dataDir, Sink: sink, Log: log,
		})
	}
}

// capabilities are announced at registration.
func capabilities() []string {
	return []string{"telemetry", "commands", "ping", "port_check", "update_agent", "discovery"}
}

func runCmd(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var c common
	c.bind(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, dir, err := c.load(fs)
	if err != nil {
		return err
	}
	if err := watch.Validate(cfg.Discovery); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	id, err := config.LoadIdentity(dir)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("not registered (no %s): run edgezu register first", config.IdentityPath(dir))
	}
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return fmt.Errorf("locate own binary: %w", err)
	}
	a, err := agent.New(agent.Options{Config: cfg, DataDir: dir, Identity: id, Version: version, Executable: exe, Discovery: discoveryFactory(cfg, dir)})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	err = a.Run(ctx)
	if errors.Is(err, agent.ErrRestart) {
		// Same PID, so a supervisor (systemd) sees one long-running service.
		return syscall.Exec(exe, os.Args, os.Environ())
	}
	return err
}
