package discovery_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/monozu/monozu/internal/edgeagent/discovery"
	"github.com/monozu/monozu/internal/edgeagent/lab"
)

// labPortOffset keeps the lab off privileged ports, so the tests run without root.
const labPortOffset = 10000

// testLab is a running lab in a /29 of its own and a scanner told where the lab's protocols are.
type testLab struct {
	lab     *lab.Lab
	opts    lab.Options
	subnet  string
	ports   []int
	scanner *discovery.Scanner
	opt     discovery.Options
}

// startLab serves the lab on a random 127.x.y.8/29 (devices .9–.14), so test runs and other
// programs on this machine do not collide.
func startLab(t *testing.T, tune func(*discovery.Options)) *testLab {
	t.Helper()
	x, y := 1+rand.IntN(250), rand.IntN(256)
	opts := lab.Options{
		FirstIP:       fmt.Sprintf("127.%d.%d.9", x, y),
		PortOffset:    labPortOffset,
		NeighbourFile: filepath.Join(t.TempDir(), "arp"),
	}
	l, err := lab.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	p := opts.Ports()
	o := discovery.Options{
		ModbusPorts:   []int{p.Modbus},
		ENIPPorts:     []int{p.ENIP},
		SNMPPorts:     []int{p.SNMP},
		HTTPPorts:     []int{p.HTTP},
		NeighbourFile: opts.NeighbourFile,
		LookupAddr: func(_ context.Context, addr string) ([]string, error) {
			if addr == fmt.Sprintf("127.%d.%d.13", x, y) {
				return []string{"hmi.lab.example."}, nil
			}
			return nil, fmt.Errorf("no name for %s", addr)
		},
	}
	if tune != nil {
		tune(&o)
	}
	return &testLab{
		lab: l, opts: opts,
		subnet:  fmt.Sprintf("127.%d.%d.8/29", x, y),
		ports:   []int{22, p.HTTP, p.SNMP, p.Modbus, p.ENIP},
		scanner: discovery.New(o),
		opt:     o,
	}
}

func (tl *testLab) scan(t *testing.T) (discovery.Summary, []discovery.Observation) {
	t.Helper()
	sum, obs, err := tl.scanner.Scan(context.Background(), discovery.Request{Subnet: tl.subnet, Ports: tl.ports, RatePPS: discovery.MaxPPS})
	if err != nil {
		t.Fatal(err)
	}
	return sum, obs
}

func byIP(obs []discovery.Observation) map[string]discovery.Observation {
	m := map[string]discovery.Observation{}
	for _, o := range obs {
		m[o.IP] = o
	}
	return m
}
