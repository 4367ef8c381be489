package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/discovery"
	"github.com/monozu/monozu/internal/edgeagent/edgetest"
	"github.com/monozu/monozu/internal/edgeagent/lab"
	"github.com/monozu/monozu/internal/edgeagent/watch"
	platformconfig "github.com/monozu/monozu/internal/platform/config"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/migrations"
)

// Settings of the test installation. None is a secret: everything listens
// on loopback and lives as long as the test.
const (
	secretKey        = "browser-test-secret-key-0123456789abcdef"
	webhookSecret    = "browser-test-webhook-secret-0123456789ab"
	internalToken    = "browser-test-internal-token-0123456789ab"
	OperatorEmail    = "operator@provider.example.com"
	OperatorPassword = "harbour-lights-operator-2026!"
	agentName        = "rotterdam-edge-1"
)

// Stack is the running installation: `monozu serve` (Cloud API with the
// Cloud SPA, ingestor, management API with the Management SPA) on fresh
// databases, the first operator, and the lab an agent can be started against.
type Stack struct {
	CloudURL, MgmtURL, IngestURL string
	OperatorTOTPSecret           string
	Dir                          string // logs and the agent's data

	t        *testing.T
	monozu   string
	edgezu   string
	labOpts  lab.Options
	lab      *lab.Lab
	subnet   string
	agentMu  sync.Mutex
	agentDir string
	agent    *exec.Cmd
	agentEnd chan struct{}
}

// Start runs monozu (binary monozuBin) and waits until every service is ready.
// edgezuBin is the agent binary. Logs go to files under logDir.
func Start(t *testing.T, monozuBin, edgezuBin, logDir string) *Stack {
	t.Helper()
	s := &Stack{t: t, monozu: monozuBin, edgezu: edgezuBin, Dir: logDir}
	cloudDB := dbtest.New(t, migrations.Cloud())
	mgmtDB := dbtest.New(t, migrations.Mgmt())
	apiAddr, mgmtAddr, ingestAddr := apitest.FreeAddr(t), apitest.FreeAddr(t), apitest.FreeAddr(t)
	s.CloudURL, s.MgmtURL, s.IngestURL = "http://"+apiAddr, "http://"+mgmtAddr, "http://"+ingestAddr
	env := []string{
		// development: cookies without the Secure flag, as the SPAs are served over plain http here.
		"MONOZU_ENV=development", "LOG_FORMAT=json", "LOG_LEVEL=info",
		"DATABASE_URL=" + cloudDB.AppURL, "DATABASE_PLATFORM_URL=" + cloudDB.PlatformURL, "MGMT_DATABASE_URL=" + mgmtDB.AppURL,
		"API_ADDR=" + apiAddr, "MGMT_ADDR=" + mgmtAddr, "INGEST_ADDR=" + ingestAddr,
		"API_PUBLIC_URL=" + s.CloudURL, "APP_BASE_URL=" + s.CloudURL, "INGEST_PUBLIC_URL=" + s.IngestURL,
		"CLOUD_API_URL=" + s.CloudURL, "MANAGEMENT_API_URL=" + s.MgmtURL,
		"ALLOW_ORIGINS=" + s.CloudURL + "," + s.MgmtURL,
		"SECRET_KEY=" + secretKey, "CLOUD_WEBHOOK_HMAC_SECRET=" + webhookSecret, "CLOUD_INTERNAL_API_TOKEN=" + internalToken,
		"MAIL_DRIVER=log", "AUTH_RATE_LIMIT_PER_MINUTE=1000",
		"MONOZU_DATA_DIR=" + filepath.Join(logDir, "data"), "SNAP_BLOB_LOCAL_ROOT=" + filepath.Join(logDir, "snaps"),
	}

	// The first operator, bootstrapped as an installation does.
	create := exec.Command(monozuBin, "mgmt", "create-operator", "-email", OperatorEmail, "-name", "First Operator",
		"-role", "admin", "-password-stdin")
	create.Dir = t.TempDir() // no .env from the repository
	create.Env = cleanEnv(env...)
	create.Stdin = strings.NewReader(OperatorPassword + "\n")
	out, err := create.CombinedOutput()
	if err != nil {
		t.Fatalf("monozu mgmt create-operator: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`TOTP secret: ([A-Z2-7]+=*)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("monozu mgmt create-operator printed no TOTP secret:\n%s", out)
	}
	s.OperatorTOTPSecret = string(m[1])

	logFile, err := os.Create(filepath.Join(logDir, "monozu.log"))
	if err != nil {
		t.Fatal(err)
	}
	serve := exec.Command(monozuBin, "serve")
	serve.Dir = t.TempDir()
	serve.Env = cleanEnv(env...)
	serve.Stdout, serve.Stderr = logFile, logFile
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	t.Cleanup(func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = serve.Process.Kill()
			<-done
		}
		_ = logFile.Close()
		if t.Failed() {
			raw, _ := os.ReadFile(logFile.Name())
			t.Logf("monozu serve log (last 40 lines; all of it in %s):\n%s", logFile.Name(), tail(raw, 40))
		}
	})
	for _, base := range []string{s.CloudURL, s.IngestURL, s.MgmtURL} {
		s.waitReady(base, done)
	}
	for _, base := range []string{s.CloudURL, s.MgmtURL} {
		if body := get(t, base+"/"); !strings.Contains(body, `id="root"`) {
			t.Fatalf("%s/ does not serve a web app (was %s built by make build, with npm?):\n%.400s", base, monozuBin, body)
		}
	}
	return s
}

func (s *Stack) waitReady(base string, exited <-chan error) {
	s.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		if r, err := http.Get(base + "/readyz"); err == nil {
			_ = r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-exited:
			s.t.Fatalf("monozu serve exited before %s was ready: %v (log: %s)", base, err, filepath.Join(s.Dir, "monozu.log"))
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s was not ready within 90 s (log: %s)", base, filepath.Join(s.Dir, "monozu.log"))
		}
	}
}

func get(t *testing.T, u string) string {
	t.Helper()
	r, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Body.Close() }()
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

// cleanEnv is the process environment without Monozu's and the agent's
// variables, plus extra: the machine's settings cannot leak into the test.
func cleanEnv(extra ...string) []string {
	names := map[string]bool{"PROVISIONING_KEY": true}
	for _, v := range platformconfig.Vars() {
		names[v.Name] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !names[name] && !strings.HasPrefix(name, "EDGEZU_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// StartLab serves the simulated OT lab on a random loopback /29 (ports +
// 10000, no root needed) for the agent to watch.
func (s *Stack) StartLab() {
	s.t.Helper()
	s.labOpts = lab.Options{FirstIP: fmt.Sprintf("127.%d.%d.9", 1+rand.IntN(250), rand.IntN(256)), PortOffset: 10000,
		NeighbourFile: filepath.Join(s.Dir, "lab-neighbours")}
	var err error
	if s.lab, err = lab.Start(s.labOpts); err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { _ = s.lab.Close() })
	if s.subnet, err = s.labOpts.Subnet(); err != nil {
		s.t.Fatal(err)
	}
}

// Helper serves the journeys' requests for what a browser cannot do: start
// the agent with the key the admin created, and change the lab's network.
func (s *Stack) Helper() string {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /agent", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Account, Key string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Account == "" || in.Key == "" {
			http.Error(w, "want {account, key}", http.StatusBadRequest)
			return
		}
		id, err := s.startAgent(in.Account, in.Key)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, map[string]string{"device_id": id, "name": agentName})
	})
	mux.HandleFunc("POST /lab/new-device", func(w http.ResponseWriter, r *http.Request) {
		// A device that appears before the agent's first (baseline) scan is not new.
		if err := s.waitBaseline(r.Context(), 90*time.Second); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		ip, err := s.newDeviceIP()
		if err == nil {
			err = s.lab.Apply(lab.ActionNewDevice)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, map[string]string{"subnet": s.subnet, "ip": ip})
	})
	srv := httptest.NewServer(mux)
	s.t.Cleanup(srv.Close)
	return srv.URL
}

// newDeviceIP is the address of the device lab.ActionNewDevice brings up.
func (s *Stack) newDeviceIP() (string, error) {
	devices, err := lab.Describe(s.labOpts)
	if err != nil {
		return "", err
	}
	for _, d := range devices {
		if d.AppearsOn == lab.ActionNewDevice {
			return d.IP, nil
		}
	}
	return "", errors.New("the lab has no device for its new_device action")
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// startAgent registers a device with the real `edgezu register` and runs
// `edgezu run` watching the lab (a sweep every 3 s).
func (s *Stack) startAgent(account, key string) (string, error) {
	s.agentMu.Lock()
	defer s.agentMu.Unlock()
	if s.agent != nil {
		return "", errors.New("an agent is already running")
	}
	dir := filepath.Join(s.Dir, "edgezu")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	p := s.labOpts.Ports()
	cfg := config.Config{
		DiscoveryProtocols:     config.DiscoveryProtocols{Modbus: []int{p.Modbus}, ENIP: []int{p.ENIP}, SNMP: []int{p.SNMP}, HTTP: []int{p.HTTP}},
		DiscoveryNeighbourFile: s.labOpts.NeighbourFile,
		Discovery: []config.DiscoverySchedule{{Subnet: s.subnet, Ports: []int{p.HTTP, p.SNMP, p.Modbus, p.ENIP},
			RatePPS: discovery.MaxPPS, IntervalS: 3}},
	}
	cfgPath := filepath.Join(s.Dir, "edgezu.json")
	if err := config.WriteJSON(cfgPath, cfg, 0o600); err != nil {
		return "", err
	}
	reg := exec.Command(s.edgezu, "register", "--config", cfgPath, "--data-dir", dir, "--account", account,
		"--cloud-url", s.CloudURL, "--name", agentName, "--location", "Rotterdam Plant, control room")
	reg.Env = cleanEnv("PROVISIONING_KEY=" + key)
	if out, err := reg.CombinedOutput(); err != nil {
		return "", fmt.Errorf("edgezu register: %v\n%s", err, out)
	}
	one, five := 1, 5
	if err := config.SaveSettings(dir, config.Settings{PollIntervalS: &one, UploadIntervalS: &one, TelemetryIntervalS: &five}); err != nil {
		return "", err
	}
	id, err := config.LoadIdentity(dir)
	if err != nil {
		return "", err
	}
	logFile, err := os.Create(filepath.Join(s.Dir, "edgezu.log"))
	if err != nil {
		return "", err
	}
	run := exec.Command(s.edgezu, "run", "--config", cfgPath, "--data-dir", dir)
	run.Env = cleanEnv()
	run.Stdout, run.Stderr = logFile, logFile
	if err := run.Start(); err != nil {
		_ = logFile.Close()
		return "", err
	}
	s.agent, s.agentDir, s.agentEnd = run, dir, make(chan struct{})
	go func() { _ = run.Wait(); _ = logFile.Close(); close(s.agentEnd) }()
	s.t.Cleanup(s.stopAgent)
	return id.DeviceID, nil
}

// stopAgent sends SIGTERM (the agent flushes its spool) and waits.
func (s *Stack) stopAgent() {
	s.agentMu.Lock()
	defer s.agentMu.Unlock()
	if s.agent == nil {
		return
	}
	edgetest.StopAgent(s.t, s.agent, s.agentEnd)
	if s.t.Failed() {
		raw, _ := os.ReadFile(filepath.Join(s.Dir, "edgezu.log"))
		s.t.Logf("edgezu log (last 60 lines):\n%s", tail(raw, 60))
	}
	s.agent = nil
}

// waitBaseline waits until the agent has finished a first sweep of the lab.
func (s *Stack) waitBaseline(ctx context.Context, timeout time.Duration) error {
	s.agentMu.Lock()
	dir := s.agentDir
	s.agentMu.Unlock()
	if dir == "" {
		return errors.New("no agent is running: POST /agent first")
	}
	deadline := time.Now().Add(timeout)
	for {
		var st discovery.State
		if err := config.ReadJSON(watch.StatePath(dir, s.subnet), &st); err == nil && st.Baselined {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the agent did not finish a sweep of %s within %s", s.subnet, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// lineLogger writes each line to t.Log as it comes, so go test -v shows the
// journeys' progress live, and keeps everything for failures().
type lineLogger struct {
	t    *testing.T
	mu   sync.Mutex
	part []byte
	all  []byte
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, p...)
	l.part = append(l.part, p...)
	for {
		i := bytes.IndexByte(l.part, '\n')
		if i < 0 {
			break
		}
		l.t.Log(string(l.part[:i]))
		l.part = l.part[i+1:]
	}
	return len(p), nil
}

// failures is what the journeys printed from their first failed step on
// (the step, the pages open then, the error and its stack).
func (l *lineLogger) failures() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i := bytes.Index(l.all, []byte("  ✗ ")); i >= 0 {
		return string(l.all[i:])
	}
	if i := bytes.Index(l.all, []byte("--- FAIL")); i >= 0 {
		return string(l.all[i:])
	}
	return string(tail(l.all, 30))
}

func (l *lineLogger) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.part) > 0 {
		l.t.Log(string(l.part))
		l.part = nil
	}
}
