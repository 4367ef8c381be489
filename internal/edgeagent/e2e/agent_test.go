package e2e_test

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/edgeagent/discovery"
	"github.com/monozu/monozu/internal/edgeagent/edgetest"
	"github.com/monozu/monozu/internal/edgeagent/lab"
)

// TestAgentAgainstTheRealServices: the agent registers with a real key,
// is online, its telemetry is stored, the lab's devices reach the CMDB
// review queue identified by protocol, and a discovery command raises the
// lab's new device as a security alert.
func TestAgentAgainstTheRealServices(t *testing.T) {
	w := newWorld(t)
	a := w.newAgent(t, w.agentConfig(3600))
	a.start()
	deviceID := a.identity().DeviceID
	devicePath := "/api/v1/devices/" + deviceID

	edgetest.Eventually(t, "the device is online", func() bool {
		var d struct {
			Status       string   `json:"status"`
			AgentVersion string   `json:"agent_version"`
			Capabilities []string `json:"capabilities"`
		}
		w.get(t, devicePath, &d)
		if d.Status == "online" && (d.AgentVersion != agentVersion || !slices.Contains(d.Capabilities, "discovery")) {
			t.Fatalf("device = %+v", d)
		}
		return d.Status == "online"
	})
	edgetest.Eventually(t, "telemetry is stored", func() bool {
		var n int
		if err := w.admin.QueryRow(`SELECT count(*) FROM edge_telemetry WHERE tenant_id = $1 AND device_id = $2`, w.tenant, deviceID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n > 0
	})

	devices, err := lab.Describe(w.labOpts)
	if err != nil {
		t.Fatal(err)
	}
	type queued struct {
		IPAddresses     []string       `json:"ip_addresses"`
		MACAddresses    []string       `json:"mac_addresses"`
		Model           string         `json:"model"`
		FirmwareVersion string         `json:"firmware_version"`
		SerialNumber    string         `json:"serial_number"`
		Observed        map[string]any `json:"observed"`
	}
	var queue struct {
		Items []queued `json:"items"`
	}
	edgetest.Eventually(t, "the lab's devices are in the review queue", func() bool {
		w.get(t, "/api/v1/discovered?limit=100", &queue)
		return len(queue.Items) >= 5
	})
	for _, want := range devices[:5] {
		i := slices.IndexFunc(queue.Items, func(q queued) bool { return slices.Contains(q.IPAddresses, want.IP) })
		if i < 0 {
			t.Errorf("%s (%s) is not in the review queue", want.Name, want.IP)
			continue
		}
		got := queue.Items[i]
		if want.Firmware != "" && (got.Model != want.Model || got.FirmwareVersion != want.Firmware || got.Observed["vendor"] != want.Vendor) {
			t.Errorf("%s: queued as model %q firmware %q vendor %v, want %q %q %q", want.Name, got.Model, got.FirmwareVersion, got.Observed["vendor"], want.Model, want.Firmware, want.Vendor)
		}
	}

	t.Run("run_discovery raises the lab's new device as a security alert", func(t *testing.T) {
		if err := w.lab.Apply(lab.ActionNewDevice); err != nil {
			t.Fatal(err)
		}
		cmd := w.command(t, deviceID, "run_discovery", map[string]any{"subnet": w.subnet, "ports": w.scanPorts(), "rate_pps": discovery.MaxPPS})
		if cmd.Status != "completed" || !strings.Contains(string(cmd.Result), `"hosts_up":6`) {
			t.Fatalf("command = %+v", cmd)
		}
		edgetest.Eventually(t, "the alert is stored", func() bool {
			var n int
			if err := w.admin.QueryRow(`SELECT count(*) FROM security_alerts WHERE tenant_id = $1 AND device_id = $2 AND signature_id = $3`,
				w.tenant, deviceID, discovery.EventNewDevice).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n == 1
		})
	})
	t.Run("an invalid run_discovery is rejected with the field errors", func(t *testing.T) {
		cmd := w.command(t, deviceID, "run_discovery", map[string]any{"subnet": "10.0.0.0/16"})
		if cmd.Status != "rejected" || !strings.Contains(cmd.Error, "subnet: at most a /22") {
			t.Fatalf("command = %+v", cmd)
		}
	})
	t.Run("edgezu status reads the running agent", func(t *testing.T) {
		out, err := exec.Command(a.bin, "status", "--data-dir", a.dir, "--json").Output()
		var v struct {
			Running bool `json:"running"`
		}
		if err != nil || json.Unmarshal(out, &v) != nil || !v.Running {
			t.Fatalf("status = %s, %v", out, err)
		}
	})
	a.assertExactlyOnce("steady run")
}

// commandView is a command as the Cloud shows it.
type commandView struct {
	ID     string          `json:"id"`
	Status string          `json:"status"`
	Result json.RawMessage `json:"result"`
	Error  string          `json:"error"`
}

// command issues a command through the Cloud API and waits for its outcome.
func (w *world) command(t *testing.T, deviceID, typ string, payload any) commandView {
	t.Helper()
	raw, _ := json.Marshal(payload)
	r := w.env.Do(t, http.MethodPost, "/api/v1/devices/"+deviceID+"/commands", map[string]any{"type": typ, "payload": json.RawMessage(raw)},
		merge(w.session.Bearer(), map[string]string{"Idempotency-Key": uuid.NewString()}))
	if r.Status != http.StatusCreated {
		t.Fatalf("issue %s: %d %s", typ, r.Status, r.Body)
	}
	var c commandView
	r.JSON(t, &c)
	edgetest.Eventually(t, typ+" finishes", func() bool {
		w.get(t, "/api/v1/devices/"+deviceID+"/commands/"+c.ID, &c)
		return c.Status != "pending" && c.Status != "delivered"
	})
	return c
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
