package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/monozu/monozu/internal/edgeagent/agent"
	"github.com/monozu/monozu/internal/edgeagent/config"
)

// discovery is the build's discovery (internal/edgeagent/discovery is
// wired here); nil means the build has none and run_discovery fails.
func discovery() agent.DiscoveryFactory { return nil }

// capabilities are announced at registration.
func capabilities() []string {
	caps := []string{"telemetry", "commands", "ping", "port_check", "update_agent"}
	if discovery() != nil {
		caps = append(caps, "discovery")
	}
	return caps
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
	a, err := agent.New(agent.Options{Config: cfg, DataDir: dir, Identity: id, Version: version, Executable: exe, Discovery: discovery()})
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

func labCmd(args []string) error {
	return errors.New("lab mode is not available in this build")
}
