package discovery

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/oui"
)

// Event kinds a Tracker raises; also the signature id of the alert.
const (
	EventNewDevice       = "edgezu.discovery.new_device"
	EventIdentityChanged = "edgezu.discovery.identity_changed"
	EventOTPortOpened    = "edgezu.discovery.ot_port_opened"
)

// DefaultOTPorts mark a device as OT when open: S7comm, Modbus/TCP, OPC UA, DNP3, EtherNet/IP,
// BACnet/IP.
var DefaultOTPorts = []int{102, 502, 4840, 20000, 44818, 47808}

// OTPortsOf adds the ports opts has the scanner speak an OT protocol on (Modbus, EtherNet/IP) to
// DefaultOTPorts: a PLC on a site's non-standard Modbus port is OT even in a scan whose
// identification timed out, so it is not reported as an ordinary new device.
func OTPortsOf(opts Options) []int {
	ports := slices.Clone(DefaultOTPorts)
	for _, p := range slices.Concat(opts.ModbusPorts, opts.ENIPPorts) {
		if !slices.Contains(ports, p) {
			ports = append(ports, p)
		}
	}
	return ports
}

// otProtocols mark a device as OT when they answered.
var otProtocols = []string{ProtoModbus, ProtoENIP, "s7"}

// Event is a security event for an ingest `security_alert`; its JSON fields are that kind's data.
type Event struct {
	Title           string `json:"title"`
	Severity        string `json:"severity"`
	Category        string `json:"category"`
	SourceIP        string `json:"source_ip"`
	DestinationIP   string `json:"destination_ip"`
	SourcePort      int    `json:"source_port"`
	DestinationPort int    `json:"destination_port"`
	Protocol        string `json:"protocol"`
	Description     string `json:"description"`
	SignatureID     string `json:"signature_id"`
	AssetIP         string `json:"asset_ip"`
}

// KnownDevice is what a Tracker remembers of one device.
type KnownDevice struct {
	IP        string    `json:"ip"`
	MAC       string    `json:"mac,omitempty"`
	Vendor    string    `json:"vendor,omitempty"`
	Model     string    `json:"model,omitempty"`
	Firmware  string    `json:"firmware,omitempty"`
	Serial    string    `json:"serial,omitempty"`
	OpenPorts []int     `json:"open_ports"`
	Protocols []string  `json:"protocols,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// State is the known devices of one watched subnet, keyed by IP; persist it as JSON between
// scans. A State without Baselined is the first scan's: it records devices without raising
// events, so turning on a watch does not report every device as new.
type State struct {
	Subnet       string                 `json:"subnet"`
	Baselined    bool                   `json:"baselined"`
	ScannedPorts []int                  `json:"scanned_ports"`
	Devices      map[string]KnownDevice `json:"devices"`
}

// Tracker compares a scan with the known state. Its zero value uses DefaultOTPorts.
type Tracker struct {
	OTPorts []int
}

// Observe folds one scan (its summary and observations) into prev and returns the new state and
// the events: a device not seen before; a known device whose MAC, vendor, model, firmware or
// serial changed (only values both scans know are compared); a port open now but closed at the
// last scan that swept it, on a device that is OT by protocol or open ports.
func (t Tracker) Observe(prev State, sum Summary, obs []Observation) (State, []Event) {
	otPorts := t.OTPorts
	if len(otPorts) == 0 {
		otPorts = DefaultOTPorts
	}
	next := State{Subnet: sum.Subnet, Baselined: true, ScannedPorts: slices.Clone(sum.Ports), Devices: map[string]KnownDevice{}}
	for ip, d := range prev.Devices {
		next.Devices[ip] = d
	}
	var events []Event
	for _, o := range obs {
		old, known := prev.Devices[o.IP]
		cur := merge(old, o, sum.StartedAt)
		next.Devices[o.IP] = cur
		if !prev.Baselined {
			continue
		}
		if !known {
			events = append(events, newDeviceEvent(cur, isOT(cur, otPorts)))
			continue
		}
		if changes := identityChanges(old, o); len(changes) > 0 {
			events = append(events, identityEvent(cur, changes, isOT(cur, otPorts)))
		}
		if isOT(cur, otPorts) {
			for _, port := range o.OpenPorts {
				if slices.Contains(prev.ScannedPorts, port) && !slices.Contains(old.OpenPorts, port) {
					events = append(events, portEvent(cur, port))
				}
			}
		}
	}
	return next, events
}

// merge keeps what the old record knew where the new scan learnt nothing (an identification
// that timed out is not a change).
func merge(old KnownDevice, o Observation, at time.Time) KnownDevice {
	d := KnownDevice{
		IP: o.IP, MAC: o.MAC, Vendor: o.Vendor, Model: o.Model, Firmware: o.Firmware, Serial: o.Serial,
		OpenPorts: slices.Clone(o.OpenPorts), Protocols: slices.Clone(o.Protocols),
		FirstSeen: old.FirstSeen, LastSeen: at,
	}
	if d.FirstSeen.IsZero() {
		d.FirstSeen = at
	}
	fill(&d.MAC, old.MAC)
	if reportedVendor(d.Vendor, d.MAC) == "" && reportedVendor(old.Vendor, old.MAC) != "" && old.MAC == d.MAC {
		d.Vendor = old.Vendor // the MAC's organisation is a fallback, not news from the device
	}
	fill(&d.Vendor, old.Vendor)
	fill(&d.Model, old.Model)
	fill(&d.Firmware, old.Firmware)
	fill(&d.Serial, old.Serial)
	for _, p := range old.Protocols {
		if !slices.Contains(d.Protocols, p) {
			d.Protocols = append(d.Protocols, p)
		}
	}
	return d
}

type change struct{ field, from, to string }

func identityChanges(old KnownDevice, o Observation) []change {
	var out []change
	for _, c := range []change{
		{"mac", old.MAC, o.MAC},
		{"vendor", reportedVendor(old.Vendor, old.MAC), reportedVendor(o.Vendor, o.MAC)},
		{"model", old.Model, o.Model},
		{"firmware", old.Firmware, o.Firmware},
		{"serial", old.Serial, o.Serial},
	} {
		if c.from != "" && c.to != "" && c.from != c.to {
			out = append(out, c)
		}
	}
	return out
}

// reportedVendor is vendor unless it is only the organisation the MAC's OUI names, which the
// scanner falls back to when no protocol answered: "TELEMECANIQUE ELECTRIQUE" in a scan whose Modbus
// identification timed out is no change from the "Schneider Electric" the PLC reported before.
func reportedVendor(vendor, mac string) string {
	if mac != "" {
		if v, ok := oui.Lookup(mac); ok && clean(v) == vendor {
			return ""
		}
	}
	return vendor
}

func isOT(d KnownDevice, otPorts []int) bool {
	for _, p := range d.Protocols {
		if slices.Contains(otProtocols, p) {
			return true
		}
	}
	for _, p := range d.OpenPorts {
		if slices.Contains(otPorts, p) {
			return true
		}
	}
	return false
}

func describe(d KnownDevice) string {
	parts := []string{}
	for _, s := range []string{d.Vendor, d.Model} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "unidentified device"
	}
	return strings.Join(parts, " ")
}

func base(d KnownDevice, kind string) Event {
	return Event{Category: "discovery", SourceIP: d.IP, DestinationIP: d.IP, AssetIP: d.IP, SignatureID: kind}
}

func newDeviceEvent(d KnownDevice, ot bool) Event {
	e := base(d, EventNewDevice)
	e.Severity = "medium"
	kind := "device"
	if ot {
		e.Severity = "high"
		kind = "OT device"
	}
	e.Title = fmt.Sprintf("New %s %s on the network", kind, d.IP)
	e.Description = fmt.Sprintf("%s appeared at %s (MAC %s) with open ports %v.", describe(d), d.IP, orNone(d.MAC), d.OpenPorts)
	return e
}

func identityEvent(d KnownDevice, changes []change, ot bool) Event {
	e := base(d, EventIdentityChanged)
	e.Severity = "medium"
	if ot {
		e.Severity = "high"
	}
	what := make([]string, len(changes))
	fields := make([]string, len(changes))
	for i, c := range changes {
		what[i] = fmt.Sprintf("%s %q → %q", c.field, c.from, c.to)
		fields[i] = c.field
	}
	e.Title = fmt.Sprintf("Identity of %s changed (%s)", d.IP, strings.Join(fields, ", "))
	e.Description = fmt.Sprintf("%s at %s reports a different identity: %s.", describe(d), d.IP, strings.Join(what, "; "))
	return e
}

func portEvent(d KnownDevice, port int) Event {
	e := base(d, EventOTPortOpened)
	e.Severity = "high"
	e.Protocol = "tcp"
	e.DestinationPort = port
	e.Title = fmt.Sprintf("New port %d open on OT device %s", port, d.IP)
	e.Description = fmt.Sprintf("%s at %s now accepts connections on port %d, which was closed at the previous scan.", describe(d), d.IP, port)
	return e
}

func orNone(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
