package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/edgetest"
)

func TestRegister(t *testing.T) {
	cloud := edgetest.New(t)
	t.Setenv("EDGEZU_CONFIG", "")
	t.Setenv("PROVISIONING_KEY", "")
	t.Setenv("CLOUD_API_URL", "")

	t.Run("flags register and write a 0600 identity", func(t *testing.T) {
		dir := t.TempDir()
		err := registerCmd([]string{"--data-dir", dir, "--account", edgetest.Account, "--cloud-url", cloud.URL() + "/", "--key", edgetest.ProvisioningKey, "--name", "edge-1"})
		if err != nil {
			t.Fatal(err)
		}
		id, err := config.LoadIdentity(dir)
		if err != nil || id.DeviceID != edgetest.DeviceID || id.DeviceKey != edgetest.DeviceKey || id.IngestURL != cloud.URL() || id.CloudURL != cloud.URL() || id.PollIntervalS != 10 {
			t.Fatalf("identity = %+v, %v", id, err)
		}
		st, _ := os.Stat(config.IdentityPath(dir))
		if st.Mode().Perm() != 0o600 {
			t.Fatalf("identity mode %v, want 0600", st.Mode().Perm())
		}
		t.Run("an existing identity needs --force", func(t *testing.T) {
			before := cloud.Registrations()
			err := registerCmd([]string{"--data-dir", dir, "--account", edgetest.Account, "--cloud-url", cloud.URL(), "--key", edgetest.ProvisioningKey})
			if err == nil || !strings.Contains(err.Error(), "--force") || cloud.Registrations() != before {
				t.Fatalf("second register = %v", err)
			}
			if err := registerCmd([]string{"--data-dir", dir, "--force", "--account", edgetest.Account, "--cloud-url", cloud.URL(), "--key", edgetest.ProvisioningKey}); err != nil {
				t.Fatalf("register --force = %v", err)
			}
		})
	})
	t.Run("environment and config file fill in", func(t *testing.T) {
		dir := t.TempDir()
		cfgPath := filepath.Join(t.TempDir(), "config.json")
		raw, _ := json.Marshal(map[string]string{"account": edgetest.Account, "data_dir": dir})
		if err := os.WriteFile(cfgPath, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("CLOUD_API_URL", cloud.URL())
		t.Setenv("PROVISIONING_KEY", edgetest.ProvisioningKey)
		if err := registerCmd([]string{"--config", cfgPath}); err != nil {
			t.Fatal(err)
		}
		if _, err := config.LoadIdentity(dir); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		t.Setenv("CLOUD_API_URL", "")
		t.Setenv("PROVISIONING_KEY", "")
		cases := map[string]struct {
			args []string
			want string
		}{
			"wrong key":          {[]string{"--account", edgetest.Account, "--cloud-url", cloud.URL(), "--key", "prov_wrong"}, "registration refused"},
			"wrong account":      {[]string{"--account", "other", "--cloud-url", cloud.URL(), "--key", edgetest.ProvisioningKey}, "registration refused"},
			"missing key":        {[]string{"--account", edgetest.Account, "--cloud-url", cloud.URL()}, "missing --key"},
			"missing everything": {nil, "missing --account, --cloud-url"},
			"bad url":            {[]string{"--account", "a", "--cloud-url", "ftp://x", "--key", "k"}, "not an http(s) URL"},
			"missing config":     {[]string{"--config", "/nonexistent/edgezu.json"}, "read configuration"},
		}
		for name, tc := range cases {
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				err := registerCmd(append([]string{"--data-dir", dir}, tc.args...))
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("register = %v, want %q", err, tc.want)
				}
				if _, err := os.Stat(config.IdentityPath(dir)); !os.IsNotExist(err) {
					t.Fatal("a refused registration wrote an identity")
				}
			})
		}
	})
}

func TestRunNeedsRegistration(t *testing.T) {
	t.Setenv("EDGEZU_CONFIG", "")
	err := runCmd([]string{"--data-dir", t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "edgezu register") {
		t.Fatalf("run without identity = %v", err)
	}
}

// TestBinaryStaysSmall keeps the agent's imports away from the server's
// heavy packages and checks it builds without cgo.
func TestBinaryStaysSmall(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/monozu/monozu/internal/platform/release") {
			continue // the release signing format, shared with the Cloud
		}
		for _, banned := range []string{"github.com/monozu/monozu/internal/cloud", "github.com/monozu/monozu/internal/platform", "github.com/monozu/monozu/internal/ingest", "github.com/gofiber", "github.com/jmoiron/sqlx", "github.com/jackc/pgx", "github.com/rs/zerolog", "go.opentelemetry.io"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("edgezu imports %s", dep)
			}
		}
	}
	build := exec.Command("go", "build", "-o", filepath.Join(t.TempDir(), "edgezu"), ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
}

func captureStdout(t *testing.T, fn func() error) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	err = fn()
	os.Stdout = old
	_ = w.Close()
	raw, _ := io.ReadAll(r)
	return string(raw), err
}

func TestStatusReadsTheDataFolder(t *testing.T) {
	t.Setenv("EDGEZU_CONFIG", "")
	dir := t.TempDir()
	out, err := captureStdout(t, func() error { return statusCmd([]string{"--data-dir", dir}) })
	if err != nil || !strings.Contains(out, "no (run edgezu register)") {
		t.Fatalf("status of an empty folder = %q, %v", out, err)
	}
	if err := config.SaveIdentity(dir, config.Identity{DeviceID: "d1", DeviceKey: "dvc_secret_value", CloudURL: "https://cloud.example", IngestURL: "https://ingest.example", Name: "edge-1"}); err != nil {
		t.Fatal(err)
	}
	if err := config.SaveStatus(dir, config.Status{PID: os.Getpid(), UpdatedAt: time.Now(), QueueEvents: 42, QueueBytes: 4096, Drops: 3, LastError: "503 unavailable"}); err != nil {
		t.Fatal(err)
	}
	out, err = captureStdout(t, func() error { return statusCmd([]string{"--data-dir", dir, "--json"}) })
	if err != nil {
		t.Fatal(err)
	}
	var v statusView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("status --json = %q: %v", out, err)
	}
	if !v.Registered || !v.Running || v.Agent.QueueEvents != 42 || v.Agent.Drops != 3 || v.Identity.IngestURL != "https://ingest.example" {
		t.Fatalf("status = %+v", v)
	}
	out, _ = captureStdout(t, func() error { return statusCmd([]string{"--data-dir", dir}) })
	if strings.Contains(out, "dvc_secret_value") || !strings.Contains(out, "42 events, 4.0 KiB") || !strings.Contains(out, "503 unavailable") {
		t.Fatalf("status text = %q", out)
	}
}

func TestRunRefusesABadDiscoverySchedule(t *testing.T) {
	t.Setenv("EDGEZU_CONFIG", "")
	cfgPath := filepath.Join(t.TempDir(), "config.json")
	raw, _ := json.Marshal(map[string]any{"discovery": []map[string]any{{"subnet": "10.0.0.0/8", "interval_s": 600}}})
	if err := os.WriteFile(cfgPath, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	err := runCmd([]string{"--config", cfgPath, "--data-dir", t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "discovery[0]") {
		t.Fatalf("run with a /8 schedule = %v", err)
	}
}

func TestLabRefusesAnUnknownScript(t *testing.T) {
	err := labCmd([]string{"--script", "chaos"})
	if err == nil || !strings.Contains(err.Error(), `--script "chaos"`) {
		t.Fatalf("lab --script chaos = %v", err)
	}
	err = labCmd([]string{"--first-ip", "192.0.2.10"})
	if err == nil {
		t.Fatal("lab on a non-loopback address started")
	}
}
