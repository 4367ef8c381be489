package agent_test

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/agent"
	"github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/event"
)

// Environment of the child process the tests and the benchmark start: the
// test binary itself, running a real agent on the given data folder.
const (
	childDirEnv = "EDGEZU_AGENT_CHILD_DIR"
	childEPSEnv = "EDGEZU_AGENT_CHILD_EPS" // events per second the child produces
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(childDirEnv); dir != "" {
		os.Exit(runChild(dir))
	}
	os.Exit(m.Run())
}

// runChild runs the agent until SIGTERM (or SIGKILL), producing events at
// the requested rate in batches of a tenth of a second.
func runChild(dir string) int {
	id, err := config.LoadIdentity(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	a, err := agent.New(agent.Options{DataDir: dir, Identity: id, Version: "test", Executable: os.Args[0], NoTelemetry: true, LogOutput: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 4
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if eps, _ := strconv.Atoi(os.Getenv(childEPSEnv)); eps > 0 {
		go produce(ctx, a, eps)
	}
	if err := a.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 5
	}
	return 0
}

// telemetryLike is the size and shape of a real telemetry event.
var telemetryLike = map[string]any{
	"cpu_percent": 12.5, "memory_percent": 40.1, "disk_percent": 71.0, "uptime_s": 86400,
	"interfaces": []map[string]any{{"name": "eth0", "rx_bytes": 123456789, "tx_bytes": 98765432}, {"name": "eth1", "rx_bytes": 5555, "tx_bytes": 4444}},
}

func produce(ctx context.Context, a *agent.Agent, eps int) {
	per := max(eps/10, 1)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	batch := make([]event.Event, per)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for i := range batch {
			batch[i], _ = event.New(event.KindTelemetry, telemetryLike)
		}
		if _, err := a.Spool().Append(batch...); err != nil {
			a.Logger().Error("bench producer", "error", err.Error())
		}
	}
}
