// Package e2e_test runs the built edgezu agent against the real Monozu
// services: the Cloud API and the ingestor on loopback over a test database,
// and the simulated OT lab. It is tests only; the agent itself imports
// nothing of the server.
package e2e_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection of the assertions
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/discovery"
	"github.com/monozu/monozu/internal/edgeagent/edgetest"
	"github.com/monozu/monozu/internal/edgeagent/lab"
	"github.com/monozu/monozu/internal/ingest"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/jobs"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// agentVersion is the version the test binary is built as.
const agentVersion = "1.0.0"

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds edgezu once, as release builds do (no cgo).
func binary(t *testing.T, version string) string {
	t.Helper()
	buildOnce.Do(func() { binPath, buildErr = build(version) })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func build(version string) (string, error) {
	dir, err := os.MkdirTemp("", "edgezu-e2e-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "edgezu")
	cmd := exec.Command("go", "build", "-ldflags", "-X main.version="+version, "-o", path, "github.com/monozu/monozu/cmd/edgezu")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build edgezu: %v\n%s", err, out)
	}
	return path, nil
}

// world is the Cloud API (working its jobs), an ingestor that can be
// stopped and started on one address, a tenant with a site and a
// registration key, and a lab on a random loopback /29.
type world struct {
	env      *cloudtest.Env
	admin    *sql.DB
	cloudURL string
	ingest   *ingestor
	proxy    *uploadGate
	tenant   uuid.UUID
	session  cloudtest.Session
	site     uuid.UUID
	labOpts  lab.Options
	lab      *lab.Lab
	subnet   string
	labPorts lab.Ports
	regKey   string
	account  string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{account: "acme"}
	w.proxy = newUploadGate(t)
	w.env = cloudtest.New(t, func(d *cloud.Deps) { d.IngestPublicURL = w.proxy.url })
	admin, err := sql.Open("pgx", w.env.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	w.admin = admin
	w.cloudURL = "http://" + w.env.Serve(t)
	ctx, stop := context.WithCancel(context.Background())
	seen := make(chan error, 1)
	go func() { seen <- w.env.API.LastSeen.Run(ctx) }()
	t.Cleanup(func() { stop(); <-seen })

	w.ingest = &ingestor{t: t, env: w.env, addr: freeAddr(t)}
	w.ingest.start()
	t.Cleanup(w.ingest.stop)
	w.proxy.target.Store(&url.URL{Scheme: "http", Host: w.ingest.addr})

	w.tenant, w.session = w.env.ActiveTenant(t, w.account, rbac.FeatureSecurity)
	w.site = w.id(t, w.post(t, "/api/v1/sites", map[string]any{"name": "Plant 7"}, 201))
	var key struct {
		Key string `json:"key"`
	}
	w.post(t, "/api/v1/edge/keys", map[string]any{"label": "e2e", "site_id": w.site}, 201).JSON(t, &key)
	w.regKey = key.Key

	w.labOpts = lab.Options{FirstIP: fmt.Sprintf("127.%d.%d.9", 1+rand.IntN(250), rand.IntN(256)), PortOffset: 10000,
		NeighbourFile: filepath.Join(t.TempDir(), "arp")}
	if w.lab, err = lab.Start(w.labOpts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.lab.Close() })
	if w.subnet, err = w.labOpts.Subnet(); err != nil {
		t.Fatal(err)
	}
	w.labPorts = w.labOpts.Ports()
	return w
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String()
}

// agentConfig scans the lab every scanEveryS seconds (0: no schedule).
func (w *world) agentConfig(scanEveryS int) config.Config {
	p := w.labPorts
	cfg := config.Config{
		DiscoveryProtocols:     config.DiscoveryProtocols{Modbus: []int{p.Modbus}, ENIP: []int{p.ENIP}, SNMP: []int{p.SNMP}, HTTP: []int{p.HTTP}},
		DiscoveryNeighbourFile: w.labOpts.NeighbourFile,
	}
	if scanEveryS > 0 {
		cfg.Discovery = []config.DiscoverySchedule{{Subnet: w.subnet, Ports: w.scanPorts(), RatePPS: discovery.MaxPPS, IntervalS: scanEveryS}}
	}
	return cfg
}

func (w *world) scanPorts() []int {
	p := w.labPorts
	return []int{p.HTTP, p.SNMP, p.Modbus, p.ENIP}
}

// ingestor is the real ingestor, restartable on the same address (the
// agent keeps the URL registration gave it).
type ingestor struct {
	t      *testing.T
	env    *cloudtest.Env
	addr   string
	mu     sync.Mutex
	stopFn func()
}

func (i *ingestor) start() {
	i.t.Helper()
	queue, err := jobs.New(i.env.DB.App, jobs.Options{})
	if err != nil {
		i.t.Fatal(err)
	}
	api, err := ingest.New(ingest.Deps{
		HTTP: httpapi.Config{Service: "ingest", Version: "test", ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second,
			IdleTimeout: 10 * time.Second, ShutdownTimeout: time.Second},
		DB: i.env.DB.App, Licences: i.env.Services.Licensing, Assets: i.env.Services.CMDB, Queue: queue,
		DeviceRateLimit: 100_000, Log: zerolog.Nop(),
	})
	if err != nil {
		i.t.Fatal(err)
	}
	var ln net.Listener
	for try := 0; ; try++ { // the port of the previous run may linger for a moment
		if ln, err = net.Listen("tcp", i.addr); err == nil || try == 50 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		i.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- api.RunListener(ctx, ln) }()
	i.mu.Lock()
	i.stopFn = func() {
		cancel()
		if err := <-done; err != nil {
			i.t.Errorf("ingestor: %v", err)
		}
	}
	i.mu.Unlock()
}

func (i *ingestor) stop() {
	i.mu.Lock()
	stop := i.stopFn
	i.stopFn = nil
	i.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// uploadGate is a reverse proxy in front of the ingestor. Armed, it holds
// the answer to the next stored batch, so a test can kill the agent after
// the ingestor stored a batch and before the agent heard so.
type uploadGate struct {
	url    string
	target atomicURL
	mu     sync.Mutex
	armed  chan struct{} // closed by the gate when it holds an answer
	hold   chan struct{} // closed by the test to let it go
}

func newUploadGate(t *testing.T) *uploadGate {
	g := &uploadGate{}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(g.target.Load())
		},
		ModifyResponse: func(resp *http.Response) error {
			if resp.StatusCode/100 != 2 {
				return nil
			}
			g.mu.Lock()
			armed, hold := g.armed, g.hold
			g.armed = nil // hold stays until release closes it
			g.mu.Unlock()
			if armed != nil {
				close(armed)
				<-hold
			}
			return nil
		},
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(func() {
		g.release()
		srv.CloseClientConnections()
		srv.Close()
	})
	g.url = srv.URL
	return g
}

// arm makes the gate hold the next 2xx answer; the channel closes when it does.
func (g *uploadGate) arm() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.armed, g.hold = make(chan struct{}), make(chan struct{})
	return g.armed
}

// release lets a held answer go (to a connection that may be gone).
func (g *uploadGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.hold != nil {
		close(g.hold)
		g.hold = nil
	}
}

type atomicURL struct {
	mu sync.Mutex
	u  *url.URL
}

func (a *atomicURL) Store(u *url.URL) { a.mu.Lock(); a.u = u; a.mu.Unlock() }
func (a *atomicURL) Load() *url.URL   { a.mu.Lock(); defer a.mu.Unlock(); return a.u }

// agent is one data folder and the edgezu process running on it.
type agent struct {
	t       *testing.T
	w       *world
	bin     string
	dir     string
	cfgPath string
	logPath string
	cmd     *exec.Cmd
	done    chan struct{}
}

// newAgent registers a device through the real registration API with the
// built binary and writes short intervals as Cloud overrides.
func (w *world) newAgent(t *testing.T, cfg config.Config) *agent {
	t.Helper()
	a := &agent{t: t, w: w, bin: binary(t, agentVersion), dir: t.TempDir(), logPath: filepath.Join(t.TempDir(), "agent.log")}
	a.cfgPath = filepath.Join(t.TempDir(), "config.json")
	if err := config.WriteJSON(a.cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	reg := exec.Command(a.bin, "register", "--config", a.cfgPath, "--data-dir", a.dir, "--account", w.account,
		"--cloud-url", w.cloudURL, "--name", "plant-7-edge")
	reg.Env = append(cleanEnv(), "PROVISIONING_KEY="+w.regKey)
	if out, err := reg.CombinedOutput(); err != nil {
		t.Fatalf("edgezu register: %v\n%s", err, out)
	}
	one, five := 1, 5
	if err := config.SaveSettings(a.dir, config.Settings{PollIntervalS: &one, UploadIntervalS: &one, TelemetryIntervalS: &five}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a.stop()
		if t.Failed() {
			raw, _ := os.ReadFile(a.logPath)
			t.Logf("agent log:\n%s", raw)
		}
	})
	return a
}

// cleanEnv is the environment without the agent's variables.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if len(kv) >= 7 && kv[:7] == "EDGEZU_" || len(kv) >= 17 && kv[:17] == "PROVISIONING_KEY=" || len(kv) >= 14 && kv[:14] == "CLOUD_API_URL=" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func (a *agent) identity() config.Identity {
	a.t.Helper()
	id, err := config.LoadIdentity(a.dir)
	if err != nil {
		a.t.Fatal(err)
	}
	return id
}

// start runs `edgezu run` as a child process.
func (a *agent) start() {
	a.t.Helper()
	logFile, err := os.OpenFile(a.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		a.t.Fatal(err)
	}
	a.cmd = exec.Command(a.bin, "run", "--config", a.cfgPath, "--data-dir", a.dir)
	a.cmd.Env = cleanEnv()
	a.cmd.Stderr = logFile
	if err := a.cmd.Start(); err != nil {
		a.t.Fatal(err)
	}
	a.done = make(chan struct{})
	go func() { _ = a.cmd.Wait(); _ = logFile.Close(); close(a.done) }()
}

// stop sends SIGTERM (the agent flushes and closes its spool) and waits.
func (a *agent) stop() {
	if a.cmd == nil {
		return
	}
	edgetest.StopAgent(a.t, a.cmd, a.done)
	a.cmd = nil
}

// kill is kill -9: nothing is flushed.
func (a *agent) kill() {
	a.t.Helper()
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		a.t.Fatal(err)
	}
	<-a.done
	a.cmd = nil
}

func (a *agent) status() config.Status {
	st, _ := config.LoadStatus(a.dir)
	return st
}

// accounting is what the agent produced against what the ingestor stored.
type accounting struct {
	produced, stored, rows, queued, drops int64
}

// account stops the agent cleanly and compares its durable produced count
// with the rows the ingestor stored for the device.
func (a *agent) account() accounting {
	a.t.Helper()
	a.stop()
	st, err := config.LoadStatus(a.dir)
	if err != nil {
		a.t.Fatal(err)
	}
	var acc accounting
	acc.produced, acc.queued, acc.drops = st.Produced, st.QueueEvents, st.Drops
	err = a.w.admin.QueryRow(`SELECT count(*), count(DISTINCT id) FROM ingest_events WHERE tenant_id = $1 AND device_id = $2`,
		a.w.tenant, a.identity().DeviceID).Scan(&acc.rows, &acc.stored)
	if err != nil {
		a.t.Fatal(err)
	}
	return acc
}

// assertExactlyOnce prints and checks produced = stored, duplicates = 0.
func (a *agent) assertExactlyOnce(what string) {
	a.t.Helper()
	acc := a.account()
	report := fmt.Sprintf("%s: produced = %d, stored = %d, duplicates = %d, still queued = %d, dropped = %d",
		what, acc.produced, acc.stored, acc.rows-acc.stored, acc.queued, acc.drops)
	fmt.Println(report)
	a.t.Log(report)
	if acc.produced == 0 || acc.produced != acc.stored || acc.rows != acc.stored || acc.queued != 0 || acc.drops != 0 {
		a.t.Fatalf("not exactly once: %s", report)
	}
}

func (w *world) post(t *testing.T, path string, body any, status int) *apiResponse {
	t.Helper()
	r := w.env.Do(t, http.MethodPost, path, body, w.session.Bearer())
	if r.Status != status {
		t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
	}
	return r
}

func (w *world) get(t *testing.T, path string, out any) {
	t.Helper()
	r := w.env.Do(t, http.MethodGet, path, nil, w.session.Bearer())
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	r.JSON(t, out)
}

func (w *world) id(t *testing.T, r *apiResponse) uuid.UUID {
	t.Helper()
	var out struct {
		ID uuid.UUID `json:"id"`
	}
	r.JSON(t, &out)
	return out.ID
}

type apiResponse = apitest.Response
