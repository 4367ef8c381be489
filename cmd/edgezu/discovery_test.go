package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/discovery"
	"github.com/monozu/monozu/internal/edgeagent/edgetest"
	"github.com/monozu/monozu/internal/edgeagent/event"
	"github.com/monozu/monozu/internal/edgeagent/lab"
)

// TestRunScansScheduledSubnets runs the built agent with a schedule over a
// lab on a port offset: the lab's devices reach the ingestor identified, and
// a device that appears later is raised as a security alert.
func TestRunScansScheduledSubnets(t *testing.T) {
	t.Setenv("EDGEZU_CONFIG", "")
	cloud := edgetest.New(t)
	labOpts := lab.Options{FirstIP: fmt.Sprintf("127.%d.%d.9", 1+rand.IntN(250), rand.IntN(256)), PortOffset: 10000, NeighbourFile: filepath.Join(t.TempDir(), "arp")}
	l, err := lab.Start(labOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	subnet, _ := labOpts.Subnet()
	p := labOpts.Ports()

	dir := t.TempDir()
	if err := registerCmd([]string{"--data-dir", dir, "--account", edgetest.Account, "--cloud-url", cloud.URL(), "--key", edgetest.ProvisioningKey}); err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{
		DataDir: dir,
		Discovery: []config.DiscoverySchedule{{
			Subnet: subnet, Ports: []int{p.HTTP, p.SNMP, p.Modbus, p.ENIP}, RatePPS: discovery.MaxPPS, IntervalS: 1,
		}},
		DiscoveryProtocols:     config.DiscoveryProtocols{Modbus: []int{p.Modbus}, ENIP: []int{p.ENIP}, SNMP: []int{p.SNMP}, HTTP: []int{p.HTTP}},
		DiscoveryNeighbourFile: labOpts.NeighbourFile,
	}
	cfgPath := filepath.Join(t.TempDir(), "config.json")
	if err := config.WriteJSON(cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := config.WriteJSON(filepath.Join(dir, "overrides.json"), map[string]int{"upload_interval_s": 1}, 0o600); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "edgezu")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	logPath := filepath.Join(t.TempDir(), "agent.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	agent := exec.Command(bin, "run", "--config", cfgPath)
	agent.Stderr = logFile
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = agent.Process.Signal(syscall.SIGTERM)
		_ = agent.Wait()
		_ = logFile.Close()
		if t.Failed() {
			raw, _ := os.ReadFile(logPath)
			t.Logf("agent log:\n%s", raw)
		}
	})

	devices, err := lab.Describe(labOpts)
	if err != nil {
		t.Fatal(err)
	}
	kinds := func(kind string) map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, ev := range cloud.Stored() {
			if ev.Kind != kind {
				continue
			}
			var data map[string]any
			if err := json.Unmarshal(ev.Data, &data); err != nil {
				t.Fatal(err)
			}
			ip, _ := data["ip"].(string)
			if kind == event.KindSecurityAlert {
				ip, _ = data["asset_ip"].(string)
			}
			out[ip] = data
		}
		return out
	}
	edgetest.Eventually(t, "the lab's running devices arrive as discovery events", func() bool { return len(kinds(event.KindDiscovery)) == 5 })
	enip := kinds(event.KindDiscovery)[devices[2].IP]
	if enip["model"] != devices[2].Model || enip["firmware"] != devices[2].Firmware || enip["serial"] != devices[2].Serial {
		t.Fatalf("EtherNet/IP controller = %v, want %+v", enip, devices[2])
	}
	if alerts := kinds(event.KindSecurityAlert); len(alerts) != 0 {
		t.Fatalf("alerts before any change: %v", alerts)
	}
	if err := l.Apply(lab.ActionNewDevice); err != nil {
		t.Fatal(err)
	}
	edgetest.Eventually(t, "the new device is raised", func() bool {
		a, ok := kinds(event.KindSecurityAlert)[devices[5].IP]
		return ok && a["signature_id"] == discovery.EventNewDevice
	})
}
