package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
	"github.com/monozu/monozu/internal/edgeagent/config"
)

func registerCmd(args []string) error {
	fs := flag.NewFlagSet("register", flag.ContinueOnError)
	var c common
	c.bind(fs)
	account := fs.String("account", "", "account name (tenant slug)")
	cloudURL := fs.String("cloud-url", "", "Cloud URL, e.g. https://cloud.example.com")
	key := fs.String("key", "", "registration key (prov_…); prefer PROVISIONING_KEY or the prompt")
	name := fs.String("name", "", "device name (default: the host name)")
	location := fs.String("location", "", "where the device is")
	devType := fs.String("type", "", "device type, e.g. sensor")
	force := fs.Bool("force", false, "replace an existing identity")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, dir, err := c.load(fs)
	if err != nil {
		return err
	}
	for flagVal, field := range map[*string]*string{account: &cfg.Account, cloudURL: &cfg.CloudURL, key: &cfg.ProvisioningKey, name: &cfg.Name, location: &cfg.Location, devType: &cfg.Type} {
		if *flagVal != "" {
			*field = *flagVal
		}
	}
	if old, err := config.LoadIdentity(dir); err == nil && !*force {
		return fmt.Errorf("already registered as device %s (%s); use --force to replace that identity", old.DeviceID, config.IdentityPath(dir))
	}
	if err := complete(&cfg, os.Stdin, os.Stdout); err != nil {
		return err
	}
	host, _ := os.Hostname()
	if cfg.Name == "" {
		cfg.Name = host
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := cloudapi.New(cfg.CloudURL, "", "", "edgezu/"+version)
	reg, err := client.Register(ctx, cfg.Account, cfg.ProvisioningKey, cloudapi.Facts{
		Name: cfg.Name, Location: cfg.Location, Type: cfg.Type, Hostname: host,
		AgentVersion: version, OS: runtime.GOOS, Arch: runtime.GOARCH, Capabilities: capabilities(),
	})
	if err != nil {
		var p *cloudapi.Problem
		if errors.As(err, &p) && p.Code == "invalid_registration" {
			return errors.New("registration refused: the account name or registration key is wrong, expired or used up")
		}
		return fmt.Errorf("register: %w", err)
	}
	id := config.Identity{
		DeviceID: reg.DeviceID, DeviceKey: reg.DeviceKey, TenantID: reg.TenantID,
		CloudURL: strings.TrimRight(cfg.CloudURL, "/"), IngestURL: reg.IngestURL,
		Account: cfg.Account, Name: cfg.Name,
		PollIntervalS: reg.PollIntervalS, UploadIntervalS: reg.UploadIntervalS, RegisteredAt: time.Now().UTC(),
	}
	if id.IngestURL == "" {
		id.IngestURL = id.CloudURL
	}
	if err := config.SaveIdentity(dir, id); err != nil {
		return fmt.Errorf("save identity: %w", err)
	}
	fmt.Printf("Registered %q as device %s in account %s.\nIdentity written to %s (mode 0600). Start the agent with: edgezu run\n",
		id.Name, id.DeviceID, id.Account, config.IdentityPath(dir))
	return nil
}

// complete asks for what is missing when stdin is a terminal; otherwise it
// names what is missing.
func complete(cfg *config.Config, in *os.File, out io.Writer) error {
	interactive := term.IsTerminal(int(in.Fd()))
	reader := bufio.NewReader(in)
	ask := func(label, def string) (string, error) {
		if def != "" {
			fmt.Fprintf(out, "%s [%s]: ", label, def)
		} else {
			fmt.Fprintf(out, "%s: ", label)
		}
		line, err := reader.ReadString('\n')
		if err != nil && line == "" {
			return "", err
		}
		if line = strings.TrimSpace(line); line == "" {
			return def, nil
		}
		return line, nil
	}
	var missing []string
	prompts := []struct {
		field *string
		label string
		flag  string
	}{{&cfg.Account, "Account name", "--account"}, {&cfg.CloudURL, "Cloud URL", "--cloud-url"}}
	for _, p := range prompts {
		if *p.field != "" {
			continue
		}
		if !interactive {
			missing = append(missing, p.flag)
			continue
		}
		v, err := ask(p.label, "")
		if err != nil {
			return err
		}
		*p.field = v
	}
	if interactive && cfg.Name == "" {
		host, _ := os.Hostname()
		v, err := ask("Device name", host)
		if err != nil {
			return err
		}
		cfg.Name = v
	}
	if cfg.ProvisioningKey == "" {
		if !interactive {
			missing = append(missing, "--key (or PROVISIONING_KEY)")
		} else {
			fmt.Fprint(out, "Registration key (input hidden): ")
			raw, err := term.ReadPassword(int(in.Fd()))
			fmt.Fprintln(out)
			if err != nil {
				return err
			}
			cfg.ProvisioningKey = strings.TrimSpace(string(raw))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: missing %s (stdin is not a terminal, so nothing can be asked)", errUsage, strings.Join(missing, ", "))
	}
	u, err := url.Parse(cfg.CloudURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("cloud URL %q is not an http(s) URL", cfg.CloudURL)
	}
	if cfg.Account == "" || cfg.ProvisioningKey == "" {
		return errors.New("account name and registration key are required")
	}
	return nil
}
