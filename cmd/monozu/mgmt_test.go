package main_test

import (
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/migrations"
)

// TestMgmtCreateOperator bootstraps an operator from the command line: the
// password comes from stdin and the TOTP enrolment is printed once.
func TestMgmtCreateOperator(t *testing.T) {
	d := dbtest.New(t, migrations.Mgmt())
	run := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(binary(t), append([]string{"mgmt", "create-operator"}, args...)...)
		cmd.Dir = t.TempDir() // no .env from the repository
		cmd.Env = cleanEnv("MONOZU_ENV=test", "MGMT_DATABASE_URL="+d.AppURL, "SECRET_KEY=test-secret-key-test-secret-key-0123",
			"CLOUD_API_URL=http://127.0.0.1:1", "CLOUD_WEBHOOK_HMAC_SECRET=test-webhook-secret-test-webhook-0123",
			"CLOUD_INTERNAL_API_TOKEN=test-internal-token-test-internal-0123")
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("correct horse battery staple\n", "-email", "Root@Provider.example.com", "-name", "Root", "-role", "admin", "-password-stdin")
	if err != nil {
		t.Fatalf("create-operator: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`otpauth URI: otpauth://totp/MonozuManagement:root@provider\.example\.com\?`).MatchString(out) ||
		!regexp.MustCompile(`TOTP secret: [A-Z2-7]{16,}`).MatchString(out) {
		t.Fatalf("no enrolment in the output:\n%s", out)
	}

	for name, tc := range map[string]struct {
		stdin string
		args  []string
		want  string
	}{
		"the address is taken": {"correct horse battery staple\n", []string{"-email", "root@provider.example.com", "-name", "Again", "-password-stdin"}, "another operator has this address"},
		"a weak password":      {"password1234\n", []string{"-email", "weak@provider.example.com", "-name", "Weak", "-password-stdin"}, "common passwords"},
		"no -password-stdin":   {"", []string{"-email", "x@provider.example.com", "-name", "X"}, "needs -password-stdin"},
	} {
		out, err := run(tc.stdin, tc.args...)
		if err == nil || !strings.Contains(out, tc.want) {
			t.Errorf("%s: err %v, output:\n%s", name, err, out)
		}
	}
}

// TestMgmtServesThenStops: `monozu mgmt` serves the management API on
// -addr, ready on its own database, and exits cleanly on SIGTERM.
func TestMgmtServesThenStops(t *testing.T) {
	d := dbtest.New(t, migrations.Mgmt())
	addr := apitest.FreeAddr(t)
	cmd := exec.Command(binary(t), "mgmt", "-addr", addr)
	cmd.Dir = t.TempDir()
	cmd.Env = cleanEnv("MONOZU_ENV=test", "LOG_FORMAT=json", "MGMT_DATABASE_URL="+d.AppURL, "SECRET_KEY=test-secret-key-test-secret-key-0123",
		"CLOUD_API_URL=http://127.0.0.1:1", "CLOUD_WEBHOOK_HMAC_SECRET=test-webhook-secret-test-webhook-0123",
		"CLOUD_INTERNAL_API_TOKEN=test-internal-token-test-internal-0123")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the management API never became ready")
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp, err := http.Get("http://" + addr + "/api/v1/openapi.json")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("openapi.json: %v %v", resp, err)
	}
	_ = resp.Body.Close()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
}
