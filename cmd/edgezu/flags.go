package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/monozu/monozu/internal/edgeagent/config"
)

// common are the flags every subcommand takes.
type common struct {
	configPath string
	dataDir    string
}

func (c *common) bind(fs *flag.FlagSet) {
	def := os.Getenv("EDGEZU_CONFIG")
	if def == "" {
		def = config.DefaultConfigPath
	}
	fs.StringVar(&c.configPath, "config", def, "configuration file (JSON)")
	fs.StringVar(&c.dataDir, "data-dir", "", "data folder: identity, spool, status (default /var/lib/edgezu)")
}

// load reads the file (optional only at its default path), the environment,
// then the --data-dir flag.
func (c *common) load(fs *flag.FlagSet) (config.Config, string, error) {
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "config" })
	cfg, err := config.Load(c.configPath, !explicit && os.Getenv("EDGEZU_CONFIG") == "")
	if err != nil {
		return cfg, "", err
	}
	if c.dataDir != "" {
		cfg.DataDir = c.dataDir
	}
	dir, err := cfg.Data()
	return cfg, dir, err
}

func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(os.Stderr)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}
