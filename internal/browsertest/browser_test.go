package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// TestBrowserJourneys runs web/e2e's journeys in headless Chromium against
// the real binaries: the main journey of spec/50-web.md (register, operator
// approval, CMDB, CSV import, registration key, a real agent online, a live
// alert), a read-only user's 403s, and MFA enrolment and sign-in.
func TestBrowserJourneys(t *testing.T) {
	monozuBin := os.Getenv("MONOZU_BIN")
	if monozuBin == "" {
		t.Skip("MONOZU_BIN is not set: the browser journeys run against the binary make build makes (make browser-test)")
	}
	monozuBin, err := filepath.Abs(monozuBin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(monozuBin); err != nil {
		t.Fatalf("MONOZU_BIN: %v (run make build)", err)
	}
	root := repoRoot(t)
	web := filepath.Join(root, "web")
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatal(errNoNode)
		}
	}
	chromium, err := EnsureChromium(t.Logf)
	if err != nil {
		t.Fatal(err)
	}

	// The journeys, compiled from TypeScript (web/e2e/dist is git-ignored).
	if _, err := os.Stat(filepath.Join(web, "node_modules", "playwright-core", "package.json")); err != nil {
		run(t, web, "npm", "ci")
	}
	run(t, web, "npm", "run", "build", "-w", "@monozu/e2e")

	artifacts := os.Getenv("MONOZU_ARTIFACTS_DIR")
	if artifacts == "" {
		// Git-ignored; emptied so its screenshots are this run's only.
		artifacts = filepath.Join(root, ".data", "browser")
		_ = os.RemoveAll(artifacts)
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	logDir := filepath.Join(artifacts, "logs")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		t.Fatal(err)
	}

	edgezuBin := os.Getenv("EDGEZU_BIN")
	if edgezuBin == "" {
		edgezuBin = filepath.Join(t.TempDir(), "edgezu")
		build := exec.Command("go", "build", "-o", edgezuBin, "./cmd/edgezu")
		build.Dir = root
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build ./cmd/edgezu: %v\n%s", err, out)
		}
	}

	// Registered before the stack's own cleanups, so it runs after them: a
	// failure's cause is the last thing printed, below the service logs.
	out := &lineLogger{t: t}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the journeys' failure, repeated below the service logs:\n%s", out.failures())
		}
	})

	started := time.Now()
	s := Start(t, monozuBin, edgezuBin, logDir)
	s.StartLab()
	helper := s.Helper()
	t.Logf("monozu is up in %s: Cloud %s, management %s, ingestor %s", time.Since(started).Round(100*time.Millisecond), s.CloudURL, s.MgmtURL, s.IngestURL)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	node := exec.CommandContext(ctx, "node", "dist/run.js")
	node.Dir = filepath.Join(web, "e2e")
	node.Env = append(os.Environ(),
		"MONOZU_CLOUD_URL="+s.CloudURL, "MONOZU_MGMT_URL="+s.MgmtURL, "MONOZU_HARNESS_URL="+helper,
		"MONOZU_OPERATOR_EMAIL="+OperatorEmail, "MONOZU_OPERATOR_PASSWORD="+OperatorPassword,
		"MONOZU_OPERATOR_TOTP_SECRET="+s.OperatorTOTPSecret, "MONOZU_ARTIFACTS_DIR="+artifacts, "CHROMIUM_PATH="+chromium,
		"NO_COLOR=1", "FORCE_COLOR=0")
	node.Stdout, node.Stderr = out, out
	// Node and the Chromium it starts share a process group: a timeout or a
	// crash of node must not leave browsers behind.
	node.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	node.Cancel = func() error { return syscall.Kill(-node.Process.Pid, syscall.SIGKILL) }
	node.WaitDelay = 10 * time.Second
	err = node.Run()
	if node.Process != nil {
		_ = syscall.Kill(-node.Process.Pid, syscall.SIGKILL) // whatever is left of the group
	}
	out.flush()
	if ctx.Err() != nil {
		t.Fatalf("the journeys did not finish within 10 minutes (screenshots and logs in %s)", artifacts)
	}
	if err != nil {
		t.Fatalf("the browser journeys failed (%v); their output is above, screenshots and logs in %s", err, artifacts)
	}
	t.Logf("screenshots in %s", artifacts)
}

// run runs a command in dir, failing the test with its output.
func run(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// repoRoot is the repository's root: two levels above this file.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}
