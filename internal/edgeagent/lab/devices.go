// Package lab serves a small simulated OT network on loopback addresses for demos and tests:
// two Modbus/TCP PLCs, an EtherNet/IP controller, an SNMP switch and an HTTP HMI, each on its own
// 127.x address, plus scripted changes (a new device, a firmware update, a newly opened port) so
// discovery's change detection has something to report.
package lab

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// Standard ports of the simulated services; Options.PortOffset is added to each.
const (
	PortHTTP   = 80
	PortSNMP   = 161
	PortModbus = 502
	PortENIP   = 44818
)

// Actions a script (or a test) applies to the running lab.
type Action string

const (
	// ActionNewDevice brings up a third Modbus PLC on the address after the HMI.
	ActionNewDevice Action = "new_device"
	// ActionFirmwareChange updates the first PLC's firmware revision.
	ActionFirmwareChange Action = "firmware_change"
	// ActionPortOpen opens the second PLC's web server (HTTP) next to its Modbus port.
	ActionPortOpen Action = "port_open"
)

// Step is one scripted change: Action happens After the lab started.
type Step struct {
	After  time.Duration
	Action Action
}

// DemoScript is a timeline for demos: a change every few minutes after the first scans.
func DemoScript() []Step {
	return []Step{
		{After: 3 * time.Minute, Action: ActionNewDevice},
		{After: 6 * time.Minute, Action: ActionFirmwareChange},
		{After: 9 * time.Minute, Action: ActionPortOpen},
	}
}

// Options say where the lab listens. Zero values mean the defaults.
type Options struct {
	// FirstIP is the first device's address (default 127.0.0.10); the others follow it
	// (.11 … .14, and .15 for the scripted new device). Loopback (127.0.0.0/8) only.
	FirstIP string
	// PortOffset is added to every standard port, e.g. 10000 serves Modbus on 10502, so the lab
	// runs without root (ports below 1024 need root or CAP_NET_BIND_SERVICE). At most 20000.
	PortOffset int
	// Script is applied by Run on its timeline.
	Script []Step
	// NeighbourFile, when set, is written in the /proc/net/arp layout with the devices' simulated
	// MAC addresses (loopback has no ARP), so a scanner told to read it finds MAC vendors too.
	NeighbourFile string
	// SNMPCommunity the switch answers to; default "public".
	SNMPCommunity string
}

// Service is one listening simulated service.
type Service struct {
	Protocol  string `json:"protocol"` // modbus, enip, snmp, http
	Transport string `json:"transport"`
	Port      int    `json:"port"`
}

// Device is one simulated device as Describe reports it.
type Device struct {
	Name     string    `json:"name"`
	IP       string    `json:"ip"`
	MAC      string    `json:"mac"`
	Vendor   string    `json:"vendor"`
	Model    string    `json:"model"`
	Firmware string    `json:"firmware,omitempty"`
	Serial   string    `json:"serial,omitempty"`
	Services []Service `json:"services"`
	// AppearsOn names the action that brings the device up; empty when it runs from the start.
	AppearsOn Action `json:"appears_on,omitempty"`
}

// Ports are the ports the lab's services listen on, to tell a scanner where each protocol is.
type Ports struct {
	Modbus, ENIP, SNMP, HTTP int
}

// Ports answers where each protocol listens under o.
func (o Options) Ports() Ports {
	return Ports{Modbus: PortModbus + o.PortOffset, ENIP: PortENIP + o.PortOffset, SNMP: PortSNMP + o.PortOffset, HTTP: PortHTTP + o.PortOffset}
}

// Firmware revisions of the first PLC before and after ActionFirmwareChange.
const (
	PLCAFirmware        = "v3.20"
	PLCAFirmwareUpdated = "v3.30"
)

// modbusIdentity is a PLC's device identification objects.
type modbusIdentity struct {
	vendor, productCode, revision, url, productName, modelName, application string
}

// The lab's simulated devices, in address order.
var (
	plcA = modbusIdentity{"Schneider Electric", "BMXP342020", PLCAFirmware, "www.se.com", "Modicon M340", "BMX P34 2020", "LINE3_PACKING"}
	plcB = modbusIdentity{"WAGO", "750-8202", "03.10.08", "www.wago.com", "PFC200", "750-8202/0000-0100", "BOILER_CTRL"}
	plcC = modbusIdentity{"ABB", "PM5630-2ETH", "3.4.1", "new.abb.com", "AC500", "PM5630", "CONVEYOR_2"}
)

const (
	enipVendorID    = 1 // Rockwell Automation/Allen-Bradley
	enipDeviceType  = 14
	enipProductCode = 166
	enipProductName = "1756-L83E/B"
	enipRevMajor    = 32
	enipRevMinor    = 11
	enipSerial      = 0x60C1A2B3

	snmpSysName     = "ot-sw-01"
	snmpSysDescr    = "Hirschmann RSP35 Rail Switch, HiOS-3S 09.0.06"
	snmpSysObjectID = ".1.3.6.1.4.1.248.11.2.1.3"
	snmpSysLocation = "Line 3 cabinet"

	hmiServer = "Beijer-iX/2.40"
	hmiTitle  = "Line 3 HMI - Overview"
	// plcBWebServer is the web server ActionPortOpen starts on the second PLC.
	plcBWebServer = "WAGO-WBM/1.2"
)

// simulated MAC addresses carry real vendor prefixes so MAC vendor lookups show plausible names.
var macs = []string{
	"00:80:f4:0a:00:10", // Telemecanique (Schneider)
	"00:30:de:0a:00:11", // WAGO
	"00:00:bc:0a:00:12", // Rockwell Automation
	"00:80:63:0a:00:13", // Hirschmann
	"00:0e:8c:0a:00:14", // Siemens (HMI panel PC)
	"00:03:2c:0a:00:15", // ABB
}

// addresses checks o.FirstIP and returns the six device addresses.
func (o Options) addresses() ([]netip.Addr, error) {
	first := o.FirstIP
	if first == "" {
		first = "127.0.0.10"
	}
	a, err := netip.ParseAddr(first)
	if err != nil {
		return nil, fmt.Errorf("lab: first_ip %q is not an IP address", first)
	}
	loopback := netip.MustParsePrefix("127.0.0.0/8")
	out := make([]netip.Addr, len(macs))
	for i := range out {
		if !loopback.Contains(a) {
			return nil, errors.New("lab: serves on loopback addresses (127.0.0.0/8) only")
		}
		out[i] = a
		a = a.Next()
	}
	if o.PortOffset < 0 || o.PortOffset > 20000 {
		return nil, errors.New("lab: port_offset must be 0–20000")
	}
	return out, nil
}

// Describe lists what the lab serves under opts, the scripted device included.
func Describe(opts Options) ([]Device, error) {
	addrs, err := opts.addresses()
	if err != nil {
		return nil, err
	}
	p := opts.Ports()
	plc := func(i int, name string, id modbusIdentity) Device {
		return Device{Name: name, IP: addrs[i].String(), MAC: macs[i], Vendor: id.vendor, Model: id.modelName, Firmware: id.revision,
			Services: []Service{{"modbus", "tcp", p.Modbus}}}
	}
	devices := []Device{
		plc(0, "plc-a", plcA),
		plc(1, "plc-b", plcB),
		{Name: "plc-enip", IP: addrs[2].String(), MAC: macs[2], Vendor: "Rockwell Automation/Allen-Bradley", Model: enipProductName,
			Firmware: fmt.Sprintf("%d.%03d", enipRevMajor, enipRevMinor), Serial: fmt.Sprintf("%08X", enipSerial),
			Services: []Service{{"enip", "tcp", p.ENIP}}},
		{Name: "switch", IP: addrs[3].String(), MAC: macs[3], Vendor: "Hirschmann", Model: "RSP35",
			Services: []Service{{"snmp", "udp", p.SNMP}}},
		{Name: "hmi", IP: addrs[4].String(), MAC: macs[4], Vendor: "Siemens AG", Model: hmiServer,
			Services: []Service{{"http", "tcp", p.HTTP}}},
	}
	c := plc(5, "plc-c", plcC)
	c.AppearsOn = ActionNewDevice
	return append(devices, c), nil
}

// Subnet is the smallest subnet holding every device of the lab, the scripted one included,
// with none of them on its network or broadcast address: what to scan.
func (o Options) Subnet() (string, error) {
	addrs, err := o.addresses()
	if err != nil {
		return "", err
	}
	first, last := addrs[0], addrs[len(addrs)-1]
	for bits := 29; bits >= 8; bits-- {
		p := netip.PrefixFrom(first, bits).Masked()
		if p.Contains(last) && first != p.Addr() && last != broadcast(p) {
			return p.String(), nil
		}
	}
	return "", errors.New("lab: no subnet holds the lab")
}

func broadcast(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	v := binary.BigEndian.Uint32(a[:]) | (1<<(32-p.Bits()) - 1)
	binary.BigEndian.PutUint32(a[:], v)
	return netip.AddrFrom4(a)
}
