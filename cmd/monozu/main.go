// Command monozu runs the Monozu services and their tooling. Each subcommand
// documents its flags and environment variables with --help.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/monozu/monozu/internal/platform/config"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "dev"

type command struct {
	name    string
	summary string
	groups  []string // configuration groups shown in --help
	// actions are words after the command ("monozu mgmt create-operator")
	// that stand for the boolean flag of the same name.
	actions []string
	// setup declares the flags and returns the function that runs the command.
	setup func(fs *flag.FlagSet) func(ctx context.Context) error
}

func commands() []command {
	return []command{
		{name: "serve", summary: "Run every Monozu service in one process: the Cloud API, the ingestor, and the management API when MGMT_DATABASE_URL is set.",
			groups: []string{"core", "db", "http", "auth", "integration", "edge", "mail", "otel"}, setup: setupServe(true)},
		{name: "api", summary: "Run the Cloud API: REST /api/v1, health endpoints and the OpenAPI document.",
			groups: []string{"core", "db", "http", "auth", "integration", "edge", "mail", "otel"}, setup: setupServe(false)},
		{name: "ingest", summary: "Run the ingestor: POST /v1/ingest from edge appliances on INGEST_ADDR (the Cloud API works its discovery jobs).",
			groups: []string{"core", "db", "http", "edge", "otel"}, setup: setupIngest},
		{name: "migrate", summary: "Create or update the database roles and apply the embedded migrations.",
			groups: []string{"core", "db"}, setup: setupMigrate},
		{name: "dev", summary: "Development: a local PostgreSQL under .data/ when DATABASE_URL is unset, migrations, demo data, then serve.",
			groups: []string{"core", "db", "http", "auth", "integration", "edge", "mail", "otel"}, setup: setupDev},
		{name: "mgmt", summary: "Run the management API on its own database (MGMT_DATABASE_URL); 'mgmt create-operator' adds an operator.",
			groups: []string{"core", "db", "http", "auth"}, actions: []string{"create-operator"}, setup: setupMgmt},
		{name: "openapi", summary: "Write the OpenAPI documents of the Cloud and management APIs that the web apps are typed from (web/api/openapi/).",
			setup: setupOpenAPI},
		{name: "version", summary: "Print the version.", setup: setupVersion},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || slices.Contains([]string{"-h", "--help", "help"}, args[0]) {
		out, code := stdout, 0
		if len(args) == 0 {
			out, code = stderr, 2
		}
		usage(out)
		return code
	}
	idx := slices.IndexFunc(commands(), func(c command) bool { return c.name == args[0] })
	if idx < 0 {
		_, _ = fmt.Fprintf(stderr, "monozu: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	cmd := commands()[idx]
	fs := flag.NewFlagSet("monozu "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	runCmd := cmd.setup(fs)
	fs.Usage = func() { commandHelp(stdout, cmd, fs) }
	rest := args[1:]
	if len(rest) > 0 && slices.Contains(cmd.actions, rest[0]) {
		rest = append([]string{"-" + rest[0]}, rest[1:]...)
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		_, _ = fmt.Fprintf(stderr, "monozu %s: unexpected argument %q\n", cmd.name, fs.Arg(0))
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := runCmd(ctx); err != nil {
		_, _ = fmt.Fprintf(stderr, "monozu %s: %v\n", cmd.name, err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	_, _ = fmt.Fprintf(w, "monozu %s — multi-tenant CMDB, ITSM, SOC, VPN and backup for MSPs\n\nUsage: monozu <command> [flags]\n\nCommands:\n", version)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range commands() {
		_, _ = fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	_ = tw.Flush()
	_, _ = fmt.Fprintln(w, "\nRun 'monozu <command> --help' for its flags and environment variables.")
}

func commandHelp(w io.Writer, c command, fs *flag.FlagSet) {
	_, _ = fmt.Fprintf(w, "monozu %s — %s\n\nUsage: monozu %s [flags]\n\nFlags:\n", c.name, c.summary, c.name)
	fs.SetOutput(w)
	fs.PrintDefaults()
	_, _ = fmt.Fprintln(w, "  -help\n    \tshow this help")
	if len(c.groups) == 0 {
		return
	}
	_, _ = fmt.Fprintln(w, "\nEnvironment (a .env file in the working directory is read outside production):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, v := range config.Vars() {
		if !slices.Contains(c.groups, v.Group) {
			continue
		}
		def := v.Default
		if def == "" {
			def = "-"
		}
		secret := ""
		if v.Secret {
			secret = " (secret)"
		}
		_, _ = fmt.Fprintf(tw, "  %s\t%s\t%s%s\n", v.Name, def, v.Help, secret)
	}
	_ = tw.Flush()
}

func setupVersion(*flag.FlagSet) func(context.Context) error {
	return func(context.Context) error {
		fmt.Printf("monozu %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return nil
	}
}

// loadConfig reads and validates the environment.
func loadConfig(adjust func(*config.Config) error) (*config.Config, error) {
	cfg, err := config.Load()
	if err != nil {
		return nil, err
	}
	if adjust != nil {
		if err := adjust(cfg); err != nil {
			return nil, err
		}
	}
	return cfg, cfg.Validate()
}

func required(pairs ...string) error {
	var missing []string
	for i := 0; i < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			missing = append(missing, pairs[i])
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s must be set", strings.Join(missing, " and "))
	}
	return nil
}
