package main_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/platform/config"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/migrations"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds monozu once for the tests that run it as a user would.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "monozu-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "monozu")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// cleanEnv is the process environment without Monozu's variables, so the
// machine's own settings cannot leak into a test.
func cleanEnv(extra ...string) []string {
	names := map[string]bool{}
	for _, v := range config.Vars() {
		names[v.Name] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !names[name] {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func TestAPIServesThenStopsOnSIGTERM(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	addr, metricsAddr := apitest.FreeAddr(t), apitest.FreeAddr(t)
	// A real OTLP/HTTP receiver: it records what the exporter posts.
	var traceBytes atomic.Int64
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/traces" {
			body, _ := io.ReadAll(r.Body)
			traceBytes.Add(int64(len(body)))
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()
	cmd := exec.Command(binary(t), "api")
	cmd.Dir = t.TempDir() // no .env from the repository
	cmd.Env = cleanEnv("MONOZU_ENV=test", "LOG_FORMAT=json", "DATABASE_URL="+d.AppURL, "API_ADDR="+addr,
		"SECRET_KEY=test-secret-key-test-secret-key-0123",
		"METRICS_ADDR="+metricsAddr, "OTEL_EXPORTER_OTLP_ENDPOINT="+collector.URL)
	logs := &apitest.LogBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("never ready; logs:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp, err := http.Get(base + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	apitest.AssertValidOpenAPI(t, doc)

	// A malformed request gets a problem, not a 500.
	resp, err = http.Post(base+"/readyz", "application/json", strings.NewReader("{"))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed && resp.StatusCode != http.StatusNotFound {
		t.Fatalf("POST /readyz: %d", resp.StatusCode)
	}

	resp, err = http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	for _, want := range []string{"http_server_request_duration_seconds_bucket", "http_server_active_requests", `http_route="/readyz"`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("did not exit after SIGTERM")
	}

	var sawRequest, sawShutdown bool
	for _, line := range logs.Lines(t) {
		if line["message"] == "request" && line["request_id"] != "" && line["path"] == "/readyz" {
			sawRequest = true
		}
		if msg, _ := line["message"].(string); strings.HasPrefix(msg, "shutting down") {
			sawShutdown = true
		}
	}
	if strings.Contains(logs.String(), dbtest.AppPassword) {
		t.Fatal("the log leaks the database password")
	}
	if traceBytes.Load() == 0 {
		t.Error("no spans reached the OTLP endpoint")
	}
	if !sawRequest || !sawShutdown {
		t.Fatalf("logs lack the request line or the shutdown (request %v, shutdown %v):\n%s", sawRequest, sawShutdown, logs.String())
	}
}

func TestProductionRefusesUnsafeConfiguration(t *testing.T) {
	cmd := exec.Command(binary(t), "api")
	cmd.Dir = t.TempDir()
	cmd.Env = cleanEnv("MONOZU_ENV=production", "DATABASE_URL=postgres://monozu:pw@127.0.0.1:1/monozu", "SECRET_KEY=short")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("started in production with a short SECRET_KEY and no ALLOW_ORIGINS")
	}
	for _, want := range []string{"SECRET_KEY must be at least 32 characters", "ALLOW_ORIGINS is required"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestHelpDocumentsFlagsAndEnvironment(t *testing.T) {
	for _, sub := range []string{"serve", "api", "migrate", "dev", "openapi", "version"} {
		out, err := exec.Command(binary(t), sub, "--help").CombinedOutput()
		if err != nil {
			t.Fatalf("%s --help: %v\n%s", sub, err, out)
		}
		if !strings.Contains(string(out), "Usage: monozu "+sub) {
			t.Errorf("%s --help lacks usage:\n%s", sub, out)
		}
	}
	out, _ := exec.Command(binary(t), "api", "--help").CombinedOutput()
	for _, v := range config.Vars() {
		if !strings.Contains(string(out), v.Name) {
			t.Errorf("api --help does not document %s", v.Name)
		}
	}
	out, _ = exec.Command(binary(t), "dev", "--help").CombinedOutput()
	for _, flag := range []string{"-addr", "-no-demo"} {
		if !strings.Contains(string(out), flag) {
			t.Errorf("dev --help does not document %s", flag)
		}
	}
	if err := exec.Command(binary(t), "no-such-command").Run(); err == nil {
		t.Error("an unknown command should fail")
	}
}

// TestReadmeDocumentsEveryVariable keeps the README's configuration table
// in step with the code.
func TestReadmeDocumentsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range config.Vars() {
		if !strings.Contains(string(readme), "`"+v.Name+"`") {
			t.Errorf("README.md does not document `%s`", v.Name)
		}
	}
}
