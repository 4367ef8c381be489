package edgetest

import (
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// stopGrace is how long a stopping agent may take to flush its spool.
const stopGrace = 30 * time.Second

// StopAgent stops a running `edgezu run` the way a service manager does:
// SIGTERM (the agent flushes and closes its spool), then up to 30 s for
// exited to close; past that it kills the process, waits for exited and
// fails t. exited is closed by whoever called cmd.Wait.
func StopAgent(t testing.TB, cmd *exec.Cmd, exited <-chan struct{}) {
	t.Helper()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(stopGrace):
		_ = cmd.Process.Kill()
		<-exited
		t.Error("edgezu did not stop within 30 s of SIGTERM")
	}
}
