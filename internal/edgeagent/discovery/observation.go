// Package discovery finds and identifies the devices of a subnet for the EdgeZu agent: the
// neighbour (ARP) table, a rate-capped TCP connect sweep over IT and OT ports, and identification
// by the protocols that answer (Modbus/TCP device identification, EtherNet/IP List Identity, SNMP
// v2c system group, HTTP banner), plus the MAC vendor from the embedded OUI table. A Tracker turns
// successive scans into security events.
package discovery

import "time"

// Protocol names as they appear in Observation.Protocols.
const (
	ProtoModbus = "modbus"
	ProtoENIP   = "enip"
	ProtoSNMP   = "snmp"
	ProtoHTTP   = "http"
	ProtoHTTPS  = "https"
)

// Observation is one device found by a scan, shaped like the data of an ingest `discovery` event.
type Observation struct {
	IP        string            `json:"ip"`
	MAC       string            `json:"mac"`
	Hostname  string            `json:"hostname"`
	OpenPorts []int             `json:"open_ports"`
	Vendor    string            `json:"vendor"`
	Model     string            `json:"model,omitempty"`
	Firmware  string            `json:"firmware,omitempty"`
	Serial    string            `json:"serial,omitempty"`
	Protocols []string          `json:"protocols,omitempty"`
	Identity  map[string]string `json:"identity,omitempty"`
}

// Summary is what a scan did, for the command acknowledgement.
type Summary struct {
	Subnet      string         `json:"subnet"`
	Ports       []int          `json:"ports"`
	StartedAt   time.Time      `json:"started_at"`
	HostsProbed int            `json:"hosts_probed"`
	HostsUp     int            `json:"hosts_up"`
	Identified  map[string]int `json:"identified_by_protocol"`
	DurationMS  int64          `json:"duration_ms"`
	RatePPS     int            `json:"rate_pps"`
	Attempts    int            `json:"attempts"`
	Cancelled   bool           `json:"cancelled,omitempty"`
}
