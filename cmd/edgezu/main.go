// Command edgezu is the Monozu edge appliance agent: register with a
// provisioning key, then run (telemetry, commands, discovery, uploads).
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

const usage = `edgezu — Monozu edge agent

Usage:
  edgezu register [--account NAME] [--cloud-url URL] [--key KEY] [--name NAME] [--force]
  edgezu run
  edgezu status [--json]
  edgezu lab
  edgezu version

Common flags: --config FILE (default /etc/edgezu/config.json), --data-dir DIR (default /var/lib/edgezu).
Environment: CLOUD_API_URL, PROVISIONING_KEY, EDGEZU_ACCOUNT, EDGEZU_NAME, EDGEZU_DATA_DIR, EDGEZU_CONFIG,
EDGEZU_LOG_LEVEL, EDGEZU_SPOOL_MAX_BYTES, EDGEZU_CHANNEL, EDGEZU_RELEASE_PUBLIC_KEY (see docs/edgezu.md).
`

// errUsage marks mistakes in the command line (exit status 2).
var errUsage = errors.New("usage")

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	args := os.Args[2:]
	switch os.Args[1] {
	case "register":
		err = registerCmd(args)
	case "run":
		err = runCmd(args)
	case "status":
		err = statusCmd(args)
	case "lab":
		err = labCmd(args)
	case "version", "--version", "-v":
		fmt.Printf("edgezu %s %s/%s\n", version, runtime.GOOS, runtime.GOARCH)
	case "help", "--help", "-h":
		fmt.Print(usage)
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "edgezu:", err)
		if errors.Is(err, errUsage) {
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		os.Exit(1)
	}
}
