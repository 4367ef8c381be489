package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/config"
)

// statusView is what `edgezu status --json` prints.
type statusView struct {
	Registered bool           `json:"registered"`
	DataDir    string         `json:"data_dir"`
	Running    bool           `json:"running"`
	Identity   *identityView  `json:"identity,omitempty"`
	Agent      *config.Status `json:"agent,omitempty"`
}

// identityView is the identity without its key.
type identityView struct {
	DeviceID  string `json:"device_id"`
	TenantID  string `json:"tenant_id"`
	Account   string `json:"account"`
	Name      string `json:"name"`
	CloudURL  string `json:"cloud_url"`
	IngestURL string `json:"ingest_url"`
}

func statusCmd(args []string) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	var c common
	c.bind(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	_, dir, err := c.load(fs)
	if err != nil {
		return err
	}
	v := statusView{DataDir: dir}
	id, err := config.LoadIdentity(dir)
	switch {
	case err == nil:
		v.Registered = true
		v.Identity = &identityView{id.DeviceID, id.TenantID, id.Account, id.Name, id.CloudURL, id.IngestURL}
	case !errors.Is(err, os.ErrNotExist):
		return err
	}
	if st, err := config.LoadStatus(dir); err == nil {
		v.Agent = &st
		v.Running = !st.Stopped && alive(st.PID) && time.Since(st.UpdatedAt) < time.Minute
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	printStatus(v)
	return nil
}

func printStatus(v statusView) {
	w := tabwriter.NewWriter(os.Stdout, 0, 2, 2, ' ', 0)
	defer func() { _ = w.Flush() }()
	row := func(k string, val any) { _, _ = fmt.Fprintf(w, "%s\t%v\n", k, val) }
	if !v.Registered {
		row("Registered", "no (run edgezu register)")
	} else {
		row("Device", fmt.Sprintf("%s (%s)", v.Identity.Name, v.Identity.DeviceID))
		row("Account", v.Identity.Account)
		row("Cloud URL", v.Identity.CloudURL)
		row("Ingest URL", v.Identity.IngestURL)
	}
	row("Data folder", v.DataDir)
	if v.Agent == nil {
		row("Agent", "has never run here")
		return
	}
	st := v.Agent
	state := "stopped"
	if v.Running {
		state = fmt.Sprintf("running (pid %d, version %s, since %s)", st.PID, st.Version, st.StartedAt.Format(time.RFC3339))
	}
	row("Agent", state)
	row("Queue", fmt.Sprintf("%d events, %s", st.QueueEvents, bytesText(st.QueueBytes)))
	row("Produced (ever spooled)", st.Produced)
	row("Dropped (spool full)", st.Drops)
	row("Delivered", st.Delivered)
	row("Last upload", timeText(st.LastUploadAt))
	row("Last command poll", timeText(st.LastPollAt))
	if st.LastError != "" {
		row("Last error", fmt.Sprintf("%s (%s)", st.LastError, timeText(st.LastErrorAt)))
	}
	row("Intervals", fmt.Sprintf("poll %s, upload %s, telemetry %s", st.PollInterval, st.UploadInterval, st.Telemetry))
	row("Status written", timeText(st.UpdatedAt))
}

func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	// EPERM: the process exists but runs as another user (status as root or not).
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return fmt.Sprintf("%s (%s ago)", t.Format(time.RFC3339), time.Since(t).Round(time.Second))
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
