// Package localpg runs a private PostgreSQL cluster in a folder: the one
// `monozu dev` keeps under .data/ and the throwaway one tests start. It finds
// the machine's PostgreSQL binaries, installs them with apt-get when they are
// missing and it runs as root, and runs the server as the postgres user when
// started by root (PostgreSQL refuses to run as root).
package localpg

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Cluster is a running local cluster.
type Cluster struct {
	Dir  string
	Port int
	// Started is true when this call started the server (rather than
	// finding it running), so the caller knows whether to stop it.
	Started  bool
	password string
}

// Settings tune a cluster when it is created or started.
type Settings struct {
	// Durable=false turns off fsync and friends: right for throwaway test data.
	Durable        bool
	MaxConnections int
	// Logf reports slow steps (install, initdb); nil is silent.
	Logf func(format string, args ...any)
}

// SuperuserURL is a connection URL for the cluster's superuser.
func (c *Cluster) SuperuserURL(database string) string {
	return (&url.URL{
		Scheme: "postgres", User: url.UserPassword("postgres", c.password),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port)), Path: "/" + database,
		RawQuery: "sslmode=disable",
	}).String()
}

// URL is a connection URL for another role of the cluster.
func (c *Cluster) URL(role, password, database string) string {
	u, _ := url.Parse(c.SuperuserURL(database))
	u.User = url.UserPassword(role, password)
	return u.String()
}

// Ensure returns the cluster in dir, creating and starting it as needed. A
// file lock makes concurrent callers (parallel test processes, two terminals)
// share one cluster instead of racing.
func Ensure(ctx context.Context, dir string, s Settings) (*Cluster, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockFile(dir + ".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()

	bin, err := binDir(ctx, s.Logf)
	if err != nil {
		return nil, err
	}
	runAs, err := serverUser()
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := initCluster(ctx, bin, dir, runAs, s); err != nil {
			return nil, err
		}
	}
	pw, err := os.ReadFile(filepath.Join(dir, "monozu-superuser-password"))
	if err != nil {
		return nil, fmt.Errorf("cluster in %s was not created by monozu: %w", dir, err)
	}
	c.password = strings.TrimSpace(string(pw))
	if port, ok := runningPort(ctx, bin, dir, runAs); ok {
		c.Port = port
		return c, nil
	}
	if c.Port, err = choosePort(dir); err != nil {
		return nil, err
	}
	if err := start(ctx, bin, c, runAs, s); err != nil {
		return nil, err
	}
	c.Started = true
	return c, nil
}

// Stop stops the cluster in dir if it runs.
func Stop(ctx context.Context, dir string) error {
	bin, err := binDir(ctx, nil)
	if err != nil {
		return err
	}
	runAs, err := serverUser()
	if err != nil {
		return err
	}
	if _, ok := runningPort(ctx, bin, dir, runAs); !ok {
		return nil
	}
	return run(ctx, runAs, filepath.Join(bin, "pg_ctl"), "-D", dir, "-m", "fast", "-w", "stop")
}

func initCluster(ctx context.Context, bin, dir string, runAs *credential, s Settings) error {
	logf(s, "creating PostgreSQL cluster in %s", dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := runAs.chown(dir); err != nil {
		return err
	}
	password := randomHex(16)
	pwFile := dir + ".pwfile"
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		return err
	}
	defer func() { _ = os.Remove(pwFile) }()
	if err := runAs.chown(pwFile); err != nil {
		return err
	}
	err := run(ctx, runAs, filepath.Join(bin, "initdb"), "-D", dir, "-U", "postgres",
		"--pwfile", pwFile, "--auth-local=trust", "--auth-host=scram-sha-256",
		"--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions")
	if err != nil {
		_ = os.RemoveAll(dir)
		return err
	}
	return os.WriteFile(filepath.Join(dir, "monozu-superuser-password"), []byte(password), 0o600)
}

func start(ctx context.Context, bin string, c *Cluster, runAs *credential, s Settings) error {
	opts := []string{
		"-p " + strconv.Itoa(c.Port), "-k " + c.Dir, "-c listen_addresses=127.0.0.1",
		"-c max_connections=" + strconv.Itoa(max(s.MaxConnections, 100)),
	}
	if !s.Durable {
		opts = append(opts, "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off")
	}
	return run(ctx, runAs, filepath.Join(bin, "pg_ctl"), "-D", c.Dir, "-l", filepath.Join(c.Dir, "server.log"),
		"-w", "-t", "60", "-o", strings.Join(opts, " "), "start")
}

// runningPort reports the port of a server already running on dir.
func runningPort(ctx context.Context, bin, dir string, runAs *credential) (int, bool) {
	if run(ctx, runAs, filepath.Join(bin, "pg_ctl"), "-D", dir, "status") != nil {
		return 0, false
	}
	// postmaster.pid line 4 is the port.
	raw, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	lines := strings.Split(string(raw), "\n")
	if len(lines) < 4 {
		return 0, false
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	return port, err == nil
}

// choosePort keeps the port of the previous start when it is still free,
// so bookmarked connection strings keep working.
func choosePort(dir string) (int, error) {
	portFile := filepath.Join(dir, "monozu-port")
	if raw, err := os.ReadFile(portFile); err == nil {
		if port, err := strconv.Atoi(strings.TrimSpace(string(raw))); err == nil && portFree(port) {
			return port, nil
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return port, os.WriteFile(portFile, []byte(strconv.Itoa(port)), 0o644)
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// binDir finds initdb and pg_ctl: on PATH, else the newest
// /usr/lib/postgresql/*/bin, else installs PostgreSQL when root.
func binDir(ctx context.Context, logf func(string, ...any)) (string, error) {
	if dir, ok := findBinDir(); ok {
		return dir, nil
	}
	if os.Geteuid() != 0 {
		return "", errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found; install the postgresql package")
	}
	if logf != nil {
		logf("PostgreSQL not found; installing it with apt-get")
	}
	for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "postgresql"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("apt-get %s: %w\n%s", args[0], err, tail(out))
		}
	}
	if dir, ok := findBinDir(); ok {
		return dir, nil
	}
	return "", errors.New("PostgreSQL was installed but initdb is still not found")
}

func findBinDir() (string, bool) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(p), "pg_ctl")); err == nil {
			return filepath.Dir(p), true
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(matches, func(i, j int) bool { return versionOf(matches[i]) > versionOf(matches[j]) })
	if len(matches) > 0 {
		return filepath.Dir(matches[0]), true
	}
	return "", false
}

func versionOf(initdbPath string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdbPath))))
	return v
}

// credential is the user the server runs as when we are root.
type credential struct{ uid, gid int }

func serverUser() (*credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs a postgres user to run the server as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &credential{uid: uid, gid: gid}, nil
}

func (c *credential) chown(path string) error {
	if c == nil {
		return nil
	}
	return os.Chown(path, c.uid, c.gid)
}

func run(ctx context.Context, as *credential, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = "/"
	if as != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(as.uid), Gid: uint32(as.gid)}}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, tail(out))
	}
	return nil
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}

func logf(s Settings, format string, args ...any) {
	if s.Logf != nil {
		s.Logf(format, args...)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func tail(out []byte) string {
	const keep = 2000
	if len(out) > keep {
		out = out[len(out)-keep:]
	}
	return string(out)
}
