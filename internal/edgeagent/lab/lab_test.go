package lab

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/simonvetter/modbus"

	"github.com/monozu/monozu/internal/edgeagent/discovery/wire"
)

// testOptions puts the lab on a random 127.x.y.9 with unprivileged ports.
func testOptions(t *testing.T) Options {
	return Options{
		FirstIP:       fmt.Sprintf("127.%d.%d.9", 1+rand.IntN(250), rand.IntN(256)),
		PortOffset:    10000,
		NeighbourFile: filepath.Join(t.TempDir(), "arp"),
	}
}

func start(t *testing.T, opts Options) *Lab {
	t.Helper()
	l, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func TestOptionsRefuseAnythingButLoopback(t *testing.T) {
	for name, o := range map[string]Options{
		"private address":           {FirstIP: "192.168.1.10"},
		"public address":            {FirstIP: "8.8.8.8"},
		"IPv6 loopback":             {FirstIP: "::1"},
		"runs past 127.255.255.255": {FirstIP: "127.255.255.252"},
		"not an address":            {FirstIP: "plc"},
		"negative port offset":      {PortOffset: -1},
		"port offset past 65535":    {PortOffset: 30000},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Describe(o); err == nil {
				t.Fatal("Describe accepted it")
			}
			if err := Run(context.Background(), o); err == nil {
				t.Fatal("Run accepted it")
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	devices, err := Describe(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(devices) != 6 || devices[0].IP != "127.0.0.10" || devices[5].IP != "127.0.0.15" || devices[5].AppearsOn != ActionNewDevice {
		t.Fatalf("default lab %+v", devices)
	}
	if devices[0].Services[0] != (Service{"modbus", "tcp", 502}) || devices[3].Services[0] != (Service{"snmp", "udp", 161}) {
		t.Fatalf("standard ports: %+v %+v", devices[0].Services, devices[3].Services)
	}
	shifted, _ := Describe(Options{PortOffset: 10000})
	if shifted[2].Services[0].Port != 54818 || shifted[4].Services[0].Port != 10080 {
		t.Fatalf("offset ports: %+v", shifted)
	}
}

// A real SNMP client reads the switch's system group; a wrong community gets no answer.
func TestSNMPSwitchAnswersGoSNMP(t *testing.T) {
	opts := testOptions(t)
	start(t, opts)
	devices, _ := Describe(opts)
	client := &gosnmp.GoSNMP{Target: devices[3].IP, Port: uint16(opts.Ports().SNMP), Community: "public",
		Version: gosnmp.Version2c, Timeout: 2 * time.Second, Retries: 1}
	if err := client.Connect(); err != nil {
		t.Fatal(err)
	}
	defer client.Conn.Close()
	res, err := client.Get([]string{oidSysName, oidSysDescr, oidSysObjectID, oidSysUpTime, ".1.3.6.1.2.1.2.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	v := res.Variables
	if string(v[0].Value.([]byte)) != snmpSysName || string(v[1].Value.([]byte)) != snmpSysDescr ||
		v[2].Value.(string) != snmpSysObjectID || v[3].Type != gosnmp.TimeTicks || v[4].Type != gosnmp.NoSuchObject {
		t.Fatalf("answer %+v", v)
	}

	wrong := &gosnmp.GoSNMP{Target: client.Target, Port: client.Port, Community: "private",
		Version: gosnmp.Version2c, Timeout: 300 * time.Millisecond}
	if err := wrong.Connect(); err != nil {
		t.Fatal(err)
	}
	defer wrong.Conn.Close()
	if _, err := wrong.Get([]string{oidSysName}); err == nil {
		t.Fatal("answered a wrong community")
	}
}

// A real Modbus client reads the PLC's registers: the lab frames Modbus/TCP correctly.
func TestModbusPLCAnswersARealClient(t *testing.T) {
	opts := testOptions(t)
	start(t, opts)
	devices, _ := Describe(opts)
	c, err := modbus.NewClient(&modbus.ClientConfiguration{URL: fmt.Sprintf("tcp://%s:%d", devices[0].IP, opts.Ports().Modbus), Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Open(); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	regs, err := c.ReadRegisters(0, 4, modbus.HOLDING_REGISTER)
	if err != nil || len(regs) != 4 || regs[1] != regs[0]+1 {
		t.Fatalf("registers %v, %v", regs, err)
	}
	if err := c.WriteRegister(0, 1); err == nil {
		t.Fatal("a write was accepted; the lab's PLCs are read-only")
	}
}

func TestDeviceIDAnswer(t *testing.T) {
	cases := []struct {
		name        string
		code, start byte
		wantObjects []byte
		wantFailure bool
	}{
		{name: "basic", code: wire.ModbusReadBasic, wantObjects: []byte{0, 1, 2}},
		{name: "regular", code: wire.ModbusReadRegular, wantObjects: []byte{0, 1, 2, 3, 4, 5, 6}},
		{name: "regular from object 4", code: wire.ModbusReadRegular, start: 4, wantObjects: []byte{4, 5, 6}},
		{name: "start past the category restarts at 0", code: wire.ModbusReadBasic, start: 5, wantObjects: []byte{0, 1, 2}},
		{name: "individual object", code: 0x04, start: 5, wantObjects: []byte{5}},
		{name: "individual unknown object", code: 0x04, start: 0x80, wantFailure: true},
		{name: "unknown read code", code: 0x09, wantFailure: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := wire.ParseDeviceIDResponse(deviceIDAnswer(c.code, c.start, plcA))
			if c.wantFailure {
				if err == nil {
					t.Fatalf("answered %+v", r)
				}
				return
			}
			if err != nil || len(r.Objects) != len(c.wantObjects) {
				t.Fatalf("objects %v, %v; want ids %v", r.Objects, err, c.wantObjects)
			}
			for _, id := range c.wantObjects {
				if r.Objects[id] == "" {
					t.Fatalf("object %d missing from %v", id, r.Objects)
				}
			}
		})
	}
}

func TestApply(t *testing.T) {
	opts := testOptions(t)
	l := start(t, opts)
	devices, _ := Describe(opts)
	plcC := net.JoinHostPort(devices[5].IP, fmt.Sprint(opts.Ports().Modbus))
	if c, err := net.Dial("tcp", plcC); err == nil {
		c.Close()
		t.Fatal("the scripted device listens before it appears")
	}
	arp, _ := os.ReadFile(opts.NeighbourFile)
	if strings.Contains(string(arp), devices[5].MAC) || !strings.Contains(string(arp), devices[0].MAC) {
		t.Fatalf("neighbour file before: %s", arp)
	}
	for range 2 { // applying twice is harmless
		for _, a := range []Action{ActionNewDevice, ActionFirmwareChange, ActionPortOpen} {
			if err := l.Apply(a); err != nil {
				t.Fatal(err)
			}
		}
	}
	c, err := net.Dial("tcp", plcC)
	if err != nil {
		t.Fatalf("the new device does not listen: %v", err)
	}
	c.Close()
	arp, _ = os.ReadFile(opts.NeighbourFile)
	if !strings.Contains(string(arp), devices[5].MAC) {
		t.Fatalf("neighbour file after: %s", arp)
	}
	if l.firmware() != PLCAFirmwareUpdated {
		t.Fatalf("firmware %q", l.firmware())
	}
	if err := l.Apply("reboot"); err == nil {
		t.Fatal("an unknown action was accepted")
	}
}

// Run serves until its context ends and then frees every address.
func TestRunStopsWithItsContext(t *testing.T) {
	opts := testOptions(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, opts); err != nil {
		t.Fatal(err)
	}
	start(t, opts) // the addresses are free again
}

func TestRunReportsAFailedScriptStep(t *testing.T) {
	opts := testOptions(t)
	devices, _ := Describe(opts)
	// Something else holds the scripted device's Modbus address.
	ln, err := net.Listen("tcp", net.JoinHostPort(devices[5].IP, fmt.Sprint(opts.Ports().Modbus)))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	opts.Script = []Step{{After: 0, Action: ActionNewDevice}}
	if err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "new_device") {
		t.Fatalf("Run = %v, want the failed step", err)
	}
}

func TestSubnet(t *testing.T) {
	for first, want := range map[string]string{
		"":            "127.0.0.0/27", // .10–.15; .15 is a /28's broadcast
		"127.1.2.9":   "127.1.2.8/29", // .9–.14
		"127.1.2.8":   "127.1.2.0/28", // .8 is a /29's network address
		"127.1.2.250": "127.1.2.0/23", // .250–.255 would end on a /24's broadcast
		"127.1.2.253": "127.1.2.0/23", // runs on into 127.1.3.x
	} {
		got, err := Options{FirstIP: first}.Subnet()
		if err != nil || got != want {
			t.Errorf("FirstIP %q: Subnet() = %q, %v; want %q", first, got, err, want)
		}
	}
	if _, err := (Options{FirstIP: "10.0.0.1"}).Subnet(); err == nil {
		t.Error("a non-loopback lab has a subnet")
	}
}
