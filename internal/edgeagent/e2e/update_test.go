package e2e_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/releases"
	"github.com/monozu/monozu/internal/edgeagent/edgetest"
	"github.com/monozu/monozu/internal/platform/release"
)

// publish posts bin as version through the real POST /api/v1/admin/publish.
func (w *world) publish(t *testing.T, version string, bin []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"version": version, "channel": "stable", "os": runtime.GOOS, "arch": runtime.GOARCH} {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "edgezu")
	_, _ = fw.Write(bin)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, w.cloudURL+"/api/v1/admin/publish", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(releases.HeaderPublishToken, cloudtest.SnapPublishToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish %s: %d", version, resp.StatusCode)
	}
}

// TestUpdateAgent: a release whose signature was tampered with is refused
// and the agent keeps running its version; a release published and signed
// by the Cloud is installed and the agent restarts into it.
func TestUpdateAgent(t *testing.T) {
	w := newWorld(t)
	signer, err := release.ParseSigningKey(cloudtest.SnapSigningKey)
	if err != nil {
		t.Fatal(err)
	}
	cfg := w.agentConfig(0)
	cfg.ReleasePubKey = release.EncodePublicKey(signer.PublicKey())
	a := w.newAgent(t, cfg)
	// The agent replaces its own binary: give it a copy of its own.
	own := filepath.Join(t.TempDir(), "edgezu")
	raw, err := os.ReadFile(a.bin)
	if err != nil || os.WriteFile(own, raw, 0o755) != nil {
		t.Fatalf("copy the binary: %v", err)
	}
	a.bin = own
	a.start()
	deviceID := a.identity().DeviceID
	pid := a.cmd.Process.Pid

	newBin, err := build("2.0.0")
	if err != nil {
		t.Fatal(err)
	}
	blob, err := os.ReadFile(newBin)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("a tampered signature is refused and the old version keeps running", func(t *testing.T) {
		w.publish(t, "1.5.0", blob)
		_, otherKey, _ := ed25519.GenerateKey(nil)
		forged := base64.StdEncoding.EncodeToString(ed25519.Sign(otherKey, []byte("not the release")))
		if _, err := w.admin.Exec(`UPDATE agent_releases SET signature = $1 WHERE version = '1.5.0'`, forged); err != nil {
			t.Fatal(err)
		}
		cmd := w.command(t, deviceID, "update_agent", map[string]any{"version": "1.5.0"})
		if cmd.Status != "failed" || !strings.Contains(cmd.Error, "signature") {
			t.Fatalf("command = %+v", cmd)
		}
		out, err := exec.Command(own, "version").Output()
		if err != nil || !strings.Contains(string(out), "edgezu "+agentVersion) {
			t.Fatalf("the binary on disk is %q (%v)", out, err)
		}
		if st := a.status(); st.PID != pid || st.Version != agentVersion {
			t.Fatalf("status after the refusal = pid %d version %s", st.PID, st.Version)
		}
	})
	t.Run("a release published through the Cloud is applied", func(t *testing.T) {
		w.publish(t, "2.0.0", blob)
		cmd := w.command(t, deviceID, "update_agent", map[string]any{"version": "2.0.0"})
		if cmd.Status != "completed" || !strings.Contains(string(cmd.Result), `"version":"2.0.0"`) {
			t.Fatalf("command = %+v", cmd)
		}
		edgetest.Eventually(t, "the agent runs 2.0.0 in the same process", func() bool {
			st := a.status()
			return st.Version == "2.0.0" && st.PID == pid && !st.Stopped
		})
		out, err := exec.Command(own, "version").Output()
		if err != nil || !strings.Contains(string(out), "edgezu 2.0.0") {
			t.Fatalf("the binary on disk is %q (%v)", out, err)
		}
	})
}
