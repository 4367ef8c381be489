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
	"github.com/monozu/monozu/internal/edgeagent/commands"
	"github.com/monozu/monozu/internal/edgeagent/config"
)

// discoverer is the build's discovery; the coordinator wires
// internal/edgeagent/discovery here.
func discoverer() commands.Discoverer { return commands.NoDiscovery{} }

// capabilities are announced at registration.
func capabilities() []string {
	caps := []string{"telemetry", "commands", "ping", "port_check", "update_agent"}
	if _, none := discoverer().(commands.NoDiscovery); !none {
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
	a, err := agent.New(agent.Options{Config: cfg, DataDir: dir, Identity: id, Version: version, Executable: exe, Discoverer: discoverer()})
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
