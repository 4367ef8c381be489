// Package browsertest runs the browser journeys of web/e2e (playwright-core
// driving the system Chromium) against the real monozu binary built by make
// build, its services on loopback over fresh databases, and a real edgezu
// agent watching the simulated OT lab. TestBrowserJourneys is the entry
// point; it skips unless MONOZU_BIN names the binary (make browser-test sets
// it), so a plain go test ./... stays fast.
package browsertest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// DefaultChromium is where Debian's chromium package puts the browser.
const DefaultChromium = "/usr/bin/chromium"

// ChromiumPath is CHROMIUM_PATH, else DefaultChromium.
func ChromiumPath() string {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	return DefaultChromium
}

// EnsureChromium returns the browser's path, installing Debian's chromium
// package with apt-get when it is missing and the process runs as root (a
// fresh CI machine). logf reports what it does; the error says how to fix it.
func EnsureChromium(logf func(format string, args ...any)) (string, error) {
	path := ChromiumPath()
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if path != DefaultChromium {
		return "", fmt.Errorf("CHROMIUM_PATH=%s does not exist", path)
	}
	if os.Geteuid() != 0 {
		return "", fmt.Errorf("no Chromium at %s and this is not root: install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH", path)
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return "", fmt.Errorf("no Chromium at %s and apt-get is not available: install Chromium and set CHROMIUM_PATH", path)
	}
	logf("Chromium is missing at %s: installing it with apt-get install -y chromium (once per machine)", path)
	out, err := aptGet("install", "-y", "chromium")
	if err != nil {
		// A fresh machine may have no package lists yet.
		logf("apt-get install failed; running apt-get update and trying again")
		if upd, uerr := aptGet("update"); uerr != nil {
			return "", fmt.Errorf("apt-get update failed while installing Chromium: %v\n%s", uerr, tail(upd, 40))
		}
		out, err = aptGet("install", "-y", "chromium")
	}
	if err != nil {
		return "", fmt.Errorf("installing Chromium (apt-get install -y chromium) failed: %v\n%s", err, tail(out, 40))
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("apt-get installed chromium but %s does not exist: %w", path, err)
	}
	logf("Chromium installed at %s", path)
	return path, nil
}

func aptGet(args ...string) ([]byte, error) {
	cmd := exec.Command("apt-get", args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	return cmd.CombinedOutput()
}

// tail is the last n lines of out.
func tail(out []byte, n int) []byte {
	lines := bytes.Split(bytes.TrimRight(out, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return bytes.Join(lines, []byte("\n"))
}

// errNoNode is returned when node or npm is missing.
var errNoNode = errors.New("node and npm are needed to run the browser journeys (web/e2e): install Node.js 20 or later")
