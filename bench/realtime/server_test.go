package realtimebench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/mail"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// serverEnv, when set to the app role's URL, makes the test binary the
// API process (TestMain) instead of running benchmarks.
const serverEnv = "MONOZU_BENCH_REALTIME_SERVER"

func TestMain(m *testing.M) {
	if url := os.Getenv(serverEnv); url != "" {
		if err := runServer(url); err != nil {
			fmt.Fprintln(os.Stderr, "server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// raiseFileLimit lifts the open-file limit to its hard maximum: 10,000
// connections need as many descriptors on each side.
func raiseFileLimit() error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return err
	}
	l.Cur = l.Max
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
}

// runServer is the child: the Cloud API as `monozu api` builds it (pool of
// 20, production HTTP timeouts), with a tenant licensed for security and a
// signed-in admin, whose token and address it prints; it serves until its
// stdin closes.
func runServer(appURL string) error {
	if err := raiseFileLimit(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	db, err := database.Open(ctx, database.Options{URL: appURL, AppName: "monozu-bench", MaxOpenConns: 20,
		MaxIdleConns: 10, ConnMaxLifetime: 30 * time.Minute, QueryTimeout: 10 * time.Second})
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	deps := cloudtest.Deps(&dbtest.DB{App: db, AppURL: appURL}, mail.NewOutbox(zerolog.Nop(), 10))
	deps.Platform = nil
	deps.Log = zerolog.New(os.Stderr).Level(zerolog.ErrorLevel)
	deps.HTTP.ReadTimeout, deps.HTTP.WriteTimeout, deps.HTTP.IdleTimeout = 15*time.Second, time.Minute, 2*time.Minute
	api, err := cloud.NewAPI(deps)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	done := make(chan error, 1)
	go func() { done <- api.RunListener(ctx, ln) }()
	select {
	case <-api.Listener.Listening():
	case err := <-done:
		return err
	}
	base := "http://" + ln.Addr().String()
	tenant, token, err := signIn(ctx, api, base)
	if err != nil {
		cancel()
		return err
	}
	fmt.Printf("READY %s %s %s\n", ln.Addr(), tenant, token)
	return <-done
}

// signIn registers an organisation, licenses security and signs its admin
// in over HTTP.
func signIn(ctx context.Context, api *cloud.API, base string) (uuid.UUID, string, error) {
	post := func(path string, body any, out any) error {
		raw, _ := json.Marshal(body)
		resp, err := http.Post(base+path, "application/json", bytes.NewReader(raw))
		if err != nil {
			return err
		}
		defer func() { _ = resp.Body.Close() }()
		if resp.StatusCode >= 300 {
			msg, _ := io.ReadAll(resp.Body)
			return fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, msg)
		}
		return json.NewDecoder(resp.Body).Decode(out)
	}
	email := "admin@feed-bench.example.com"
	var reg struct {
		TenantID uuid.UUID `json:"tenant_id"`
	}
	if err := post("/api/v1/auth/register", map[string]string{"account_name": "feed-bench", "organization_name": "Feed bench",
		"email": email, "password": cloudtest.Password, "display_name": "Admin"}, &reg); err != nil {
		return uuid.Nil, "", err
	}
	l := licensing.License{Plan: "bench", Features: []rbac.Feature{rbac.FeatureSecurity}, StartsAt: time.Now().Add(-time.Hour)}
	if err := api.Services.Licensing.Apply(auth.WithPrincipal(ctx, auth.System(reg.TenantID)), l, "bench"); err != nil {
		return uuid.Nil, "", err
	}
	var tokens struct {
		AccessToken string `json:"access_token"`
	}
	err := post("/api/v1/auth/login", map[string]string{"email": email, "password": cloudtest.Password}, &tokens)
	return reg.TenantID, tokens.AccessToken, err
}

// server is the child process as the benchmark sees it.
type server struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	addr   string
	tenant uuid.UUID
	token  string
}

// startServer runs the API in a child process on d until the benchmark
// ends.
func startServer(b *testing.B, d *dbtest.DB) *server {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serverEnv+"="+d.AppURL)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s := &server{cmd: cmd, stdin: stdin}
	b.Cleanup(func() {
		_ = stdin.Close()
		if err := cmd.Wait(); err != nil {
			b.Errorf("server: %v", err)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("server did not start: %v", err)
	}
	fields := strings.Fields(line)
	if len(fields) != 4 || fields[0] != "READY" {
		b.Fatalf("server said %q", line)
	}
	s.addr, s.token = fields[1], fields[3]
	if s.tenant, err = uuid.Parse(fields[2]); err != nil {
		b.Fatal(err)
	}
	return s
}

// rss is the child's resident memory (VmRSS) in bytes.
func (s *server) rss(b *testing.B) int64 {
	b.Helper()
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmRSS")
	return 0
}
