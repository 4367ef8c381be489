package discovery

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func scanOf(ports []int, at time.Time) Summary {
	return Summary{Subnet: "10.0.0.0/24", Ports: ports, StartedAt: at}
}

func kinds(events []Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.SignatureID
	}
	return out
}

func TestTrackerEvents(t *testing.T) {
	ports := []int{22, 80, 102, 502}
	plc := Observation{IP: "10.0.0.5", MAC: "00:80:f4:00:00:01", OpenPorts: []int{502}, Vendor: "Schneider Electric", Model: "M340", Firmware: "v3.20", Protocols: []string{ProtoModbus}}
	pc := Observation{IP: "10.0.0.6", OpenPorts: []int{22}}
	s7 := Observation{IP: "10.0.0.7", OpenPorts: []int{102}} // OT by its port alone
	var tr Tracker
	base, events := tr.Observe(State{}, scanOf(ports, t0), []Observation{plc, pc, s7})
	if len(events) != 0 || !base.Baselined || len(base.Devices) != 3 {
		t.Fatalf("baseline: %v events, state %+v", kinds(events), base)
	}

	cases := []struct {
		name  string
		ports []int
		obs   []Observation
		want  []string
		check func(t *testing.T, events []Event)
	}{
		{name: "nothing changed", ports: ports, obs: []Observation{plc, pc, s7}},
		{name: "a device missing from a scan is no change", ports: ports, obs: []Observation{plc}},
		{
			name: "identification that failed this time is no change", ports: ports,
			obs: []Observation{{IP: plc.IP, OpenPorts: plc.OpenPorts}},
		},
		{
			name: "identification timed out: the MAC's organisation is no vendor change", ports: ports,
			obs: []Observation{{IP: plc.IP, MAC: plc.MAC, Vendor: "TELEMECANIQUE ELECTRIQUE", OpenPorts: plc.OpenPorts}},
		},
		{
			name: "new IT device", ports: ports, obs: []Observation{{IP: "10.0.0.9", OpenPorts: []int{80}}},
			want: []string{EventNewDevice},
			check: func(t *testing.T, e []Event) {
				if e[0].Severity != "medium" || e[0].AssetIP != "10.0.0.9" {
					t.Fatalf("%+v", e[0])
				}
			},
		},
		{
			name: "new OT device", ports: ports, obs: []Observation{{IP: "10.0.0.10", OpenPorts: []int{502}, Protocols: []string{ProtoModbus}}},
			want: []string{EventNewDevice},
			check: func(t *testing.T, e []Event) {
				if e[0].Severity != "high" {
					t.Fatalf("%+v", e[0])
				}
			},
		},
		{
			name: "firmware and serial change", ports: ports, obs: []Observation{func() Observation { o := plc; o.Firmware, o.Serial = "v3.30", "X1"; return o }()},
			want: []string{EventIdentityChanged},
		},
		{
			name: "MAC change (another box on the PLC's address)", ports: ports, obs: []Observation{func() Observation { o := plc; o.MAC = "02:00:00:00:00:01"; return o }()},
			want: []string{EventIdentityChanged},
		},
		{
			name: "new port on an OT device", ports: ports, obs: []Observation{func() Observation { o := plc; o.OpenPorts = []int{80, 502}; return o }()},
			want: []string{EventOTPortOpened},
			check: func(t *testing.T, e []Event) {
				if e[0].DestinationPort != 80 || e[0].Protocol != "tcp" {
					t.Fatalf("%+v", e[0])
				}
			},
		},
		{
			name: "new port on a device OT by its ports", ports: ports, obs: []Observation{{IP: s7.IP, OpenPorts: []int{22, 102}}},
			want: []string{EventOTPortOpened},
		},
		{
			name: "new port on an IT device is no event", ports: ports, obs: []Observation{{IP: pc.IP, OpenPorts: []int{22, 80}}},
		},
		{
			name: "a port the previous scan did not sweep is not newly opened", ports: append([]int{443}, ports...),
			obs: []Observation{func() Observation { o := plc; o.OpenPorts = []int{443, 502}; return o }()},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, events := tr.Observe(base, scanOf(c.ports, t0.Add(time.Hour)), c.obs)
			got := kinds(events)
			if len(got) != len(c.want) {
				t.Fatalf("events %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("events %v, want %v", got, c.want)
				}
			}
			if c.check != nil {
				c.check(t, events)
			}
		})
	}
}

func TestTrackerOTPortsOfTheScanner(t *testing.T) {
	opts := Options{ModbusPorts: []int{502, 10502}, ENIPPorts: []int{54818}}
	tr := Tracker{OTPorts: OTPortsOf(opts)}
	if got := len(tr.OTPorts); got != len(DefaultOTPorts)+2 {
		t.Fatalf("OT ports %v: want the defaults plus 10502 and 54818 once each", tr.OTPorts)
	}
	base, _ := tr.Observe(State{}, scanOf([]int{10502, 54818}, t0), nil)
	for _, o := range []Observation{
		{IP: "10.0.0.20", OpenPorts: []int{10502}}, // Modbus port open, identification timed out
		{IP: "10.0.0.21", OpenPorts: []int{54818}},
	} {
		_, events := tr.Observe(base, scanOf([]int{10502, 54818}, t0.Add(time.Hour)), []Observation{o})
		if len(events) != 1 || events[0].Severity != "high" || events[0].Title != "New OT device "+o.IP+" on the network" {
			t.Fatalf("%s: %+v", o.IP, events)
		}
	}
}

func TestTrackerVendorFromTheMAC(t *testing.T) {
	var tr Tracker
	ports := []int{502}
	// The baseline scan's Modbus identification timed out: the vendor is the MAC's organisation.
	slow := Observation{IP: "10.0.0.5", MAC: "00:80:f4:00:00:01", Vendor: "TELEMECANIQUE ELECTRIQUE", OpenPorts: ports}
	named := Observation{IP: slow.IP, MAC: slow.MAC, Vendor: "Schneider Electric", OpenPorts: ports, Protocols: []string{ProtoModbus}}
	s1, _ := tr.Observe(State{}, scanOf(ports, t0), []Observation{slow})
	s2, events := tr.Observe(s1, scanOf(ports, t0.Add(time.Hour)), []Observation{named})
	if len(events) != 0 || s2.Devices[slow.IP].Vendor != "Schneider Electric" {
		t.Fatalf("the PLC naming itself: events %v, vendor %q", kinds(events), s2.Devices[slow.IP].Vendor)
	}
	s3, events := tr.Observe(s2, scanOf(ports, t0.Add(2*time.Hour)), []Observation{slow})
	if len(events) != 0 || s3.Devices[slow.IP].Vendor != "Schneider Electric" {
		t.Fatalf("a later timeout: events %v, vendor %q (the reported vendor is kept)", kinds(events), s3.Devices[slow.IP].Vendor)
	}
	// Another vendor reported by the device is a change.
	other := named
	other.Vendor = "Rockwell Automation"
	if _, events := tr.Observe(s3, scanOf(ports, t0.Add(3*time.Hour)), []Observation{other}); len(events) != 1 || events[0].SignatureID != EventIdentityChanged {
		t.Fatalf("a different reported vendor: events %v", kinds(events))
	}
}

func TestTrackerState(t *testing.T) {
	var tr Tracker
	plc := Observation{IP: "10.0.0.5", OpenPorts: []int{502}, Vendor: "WAGO", Firmware: "1.0", Protocols: []string{ProtoModbus}}
	s1, _ := tr.Observe(State{}, scanOf([]int{502}, t0), []Observation{plc})
	s2, _ := tr.Observe(s1, scanOf([]int{502}, t0.Add(time.Hour)), []Observation{{IP: plc.IP, OpenPorts: []int{502}}, {IP: "10.0.0.6", OpenPorts: []int{22}}})
	d := s2.Devices[plc.IP]
	if d.Firmware != "1.0" || d.Vendor != "WAGO" || len(d.Protocols) != 1 {
		t.Fatalf("what the new scan did not learn was forgotten: %+v", d)
	}
	if !d.FirstSeen.Equal(t0) || !d.LastSeen.Equal(t0.Add(time.Hour)) {
		t.Fatalf("first/last seen %v %v", d.FirstSeen, d.LastSeen)
	}
	s3, _ := tr.Observe(s2, scanOf([]int{502}, t0.Add(2*time.Hour)), nil)
	if len(s3.Devices) != 2 {
		t.Fatalf("devices absent from a scan were dropped: %v", s3.Devices)
	}
	if len(s1.Devices) != 1 {
		t.Fatalf("Observe changed the previous state: %v", s1.Devices)
	}
}
