package discovery

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const arpTable = `IP address       HW type     Flags       HW address            Mask     Device
192.168.10.20    0x1         0x2         00:00:bc:12:34:56     *        eth0
192.168.10.21    0x1         0x0         00:00:00:00:00:00     *        eth0
192.168.10.22    0x1         0x6         00:0E:8C:AA:BB:CC     *        eth1
192.168.10.23    0x1         0x2         00:00:00:00:00:00     *        eth0
not-an-ip        0x1         0x2         00:0e:8c:aa:bb:cd     *        eth0
192.168.10.24    0x1         0x2         zz:0e:8c:aa:bb:cd     *        eth0
short line
`

func TestReadNeighbours(t *testing.T) {
	got, err := ReadNeighbours(strings.NewReader(arpTable))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"192.168.10.20": "00:00:bc:12:34:56", "192.168.10.22": "00:0e:8c:aa:bb:cc"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for ip, mac := range want {
		if got[ip] != mac {
			t.Fatalf("%s → %q, want %q", ip, got[ip], mac)
		}
	}
}

func TestReadNeighbourFile(t *testing.T) {
	if m := readNeighbourFile(filepath.Join(t.TempDir(), "missing")); len(m) != 0 {
		t.Fatalf("a missing table gave %v", m)
	}
	path := filepath.Join(t.TempDir(), "arp")
	if err := os.WriteFile(path, []byte(arpTable), 0o600); err != nil {
		t.Fatal(err)
	}
	if m := readNeighbourFile(path); m["192.168.10.20"] != "00:00:bc:12:34:56" {
		t.Fatalf("file read as %v", m)
	}
}
