// Package ingest is the Ingestor (spec 40): edge appliances post batches of
// events to POST /v1/ingest; every accepted event is kept raw in the
// time-partitioned ingest_events table and, by kind, as a telemetry sample,
// a device log line, a security alert (with its domain event), a discovery
// job for the CMDB, or a backup event the backup module reads later. A
// batch is stored exactly once and atomically.
package ingest

import (
	"encoding/json"
	"net/netip"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Kind is what an event reports.
type Kind string

// The kinds of spec 40.
const (
	KindTelemetry     Kind = "telemetry"
	KindLog           Kind = "log"
	KindSecurityAlert Kind = "security_alert"
	KindDiscovery     Kind = "discovery"
	KindBackupEvent   Kind = "backup_event"
)

// Limits of one batch.
const (
	// MaxEvents is the most events one request may carry (413 above).
	MaxEvents = 10_000
	// MaxBodyBytes bounds a request body after decompression (413 above).
	MaxBodyBytes = 10 << 20
	// MaxFutureSkew is how far ahead of the server's clock an event's
	// timestamp may be: partitions exist only a week ahead, and a device
	// clock further off is wrong.
	MaxFutureSkew = 24 * time.Hour
)

// earliestTimestamp rejects zero and epoch-like times of devices without a
// set clock.
var earliestTimestamp = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Field limits (the database checks the same).
const (
	maxInterfaces     = 256
	maxInterfaceName  = 64
	maxLogMessage     = 8000
	maxLogSource      = 200
	maxAlertTitle     = 500
	maxAlertCategory  = 100
	maxAlertProtocol  = 32
	maxAlertText      = 8000
	maxSignatureID    = 200
	maxHostname       = 253
	maxDiscoveryText  = 200
	maxOpenPorts      = 1000
	maxProtocols      = 20
	maxProtocolName   = 50
	maxIdentity       = 50
	maxIdentityKey    = 100
	maxIdentityValue  = 500
	maxBackupChecksum = 64
)

var (
	logLevels      = []string{"debug", "info", "warn", "error"}
	severities     = []string{"info", "low", "medium", "high", "critical"}
	backupStatuses = []string{"running", "completed", "failed"}
)

// Event is one event of a batch as the device sent it.
type Event struct {
	ID        string          `json:"id" doc:"a UUID the device chose; the same on every retry"`
	Kind      Kind            `json:"kind" enum:"telemetry log security_alert discovery backup_event"`
	Timestamp string          `json:"timestamp" doc:"RFC 3339; at most 24 hours ahead of the server's clock"`
	Data      json.RawMessage `json:"data" doc:"an object whose fields depend on kind (docs/ingest.md)"`
}

// BadEvent is one reason an event of a batch was refused.
type BadEvent struct {
	Index  int    `json:"index" doc:"position of the event in the batch, from 0"`
	Field  string `json:"field" doc:"e.g. id, timestamp, data.cpu_percent"`
	Code   string `json:"code" doc:"machine reason: required, invalid, invalid_type, out_of_range, too_long, duplicate ..."`
	Reason string `json:"reason"`
}

// Telemetry is the data of a telemetry event.
type Telemetry struct {
	CPUPercent    *float64    `json:"cpu_percent"`
	MemoryPercent *float64    `json:"memory_percent"`
	DiskPercent   *float64    `json:"disk_percent"`
	UptimeS       *int64      `json:"uptime_s"`
	Interfaces    []Interface `json:"interfaces"`
}

// Interface is one network interface's counters in a telemetry sample.
type Interface struct {
	Name    string `json:"name"`
	RxBytes int64  `json:"rx_bytes"`
	TxBytes int64  `json:"tx_bytes"`
}

// Log is the data of a log event.
type Log struct {
	Level   string `json:"level"`
	Message string `json:"message"`
	Source  string `json:"source"`
}

// SecurityAlert is the data of a security_alert event.
type SecurityAlert struct {
	Title           string `json:"title"`
	Severity        string `json:"severity"`
	Category        string `json:"category"`
	SourceIP        string `json:"source_ip"`
	DestinationIP   string `json:"destination_ip"`
	SourcePort      *int   `json:"source_port"`
	DestinationPort *int   `json:"destination_port"`
	Protocol        string `json:"protocol"`
	Description     string `json:"description"`
	SignatureID     string `json:"signature_id"`
	AssetIP         string `json:"asset_ip"`
}

// Discovery is the data of a discovery event.
type Discovery struct {
	IP        string            `json:"ip"`
	MAC       string            `json:"mac"`
	Hostname  string            `json:"hostname"`
	OpenPorts []int             `json:"open_ports"`
	Vendor    string            `json:"vendor"`
	Model     string            `json:"model"`
	Firmware  string            `json:"firmware"`
	Serial    string            `json:"serial"`
	Protocols []string          `json:"protocols"`
	Identity  map[string]string `json:"identity"`
}

// BackupEvent is the data of a backup_event event.
type BackupEvent struct {
	JobID          string `json:"job_id"`
	Status         string `json:"status"`
	AssetID        string `json:"asset_id"`
	SizeBytes      *int64 `json:"size_bytes"`
	ChecksumSHA256 string `json:"checksum_sha256"`
}

// dataChecker collects the field errors of one event's data.
type dataChecker struct{ errs.Checker }

func (c *dataChecker) percent(field string, v *float64) {
	if v != nil && (*v < 0 || *v > 100) {
		c.Add(field, "out_of_range", "must be between 0 and 100")
	}
}

func (c *dataChecker) nonNegative(field string, v int64) {
	if v < 0 {
		c.Add(field, "out_of_range", "must not be negative")
	}
}

func (c *dataChecker) port(field string, v *int) {
	if v != nil && (*v < 0 || *v > 65535) {
		c.Add(field, "out_of_range", "must be a port number between 0 and 65535")
	}
}

// ip checks an optional address and returns it canonical.
func (c *dataChecker) ip(field string, v *string) {
	if *v == "" {
		return
	}
	a, err := netip.ParseAddr(*v)
	if err != nil || a.Zone() != "" {
		c.Add(field, "invalid", "must be an IPv4 or IPv6 address")
		return
	}
	*v = a.Unmap().String()
}

func (c *dataChecker) uuid(field, v string, required bool) {
	if v == "" {
		if required {
			c.Add(field, "required", "is required")
		}
		return
	}
	if _, err := uuid.Parse(v); err != nil {
		c.Add(field, "invalid", "must be a UUID")
	}
}

func (t *Telemetry) check(c *dataChecker) {
	c.percent("cpu_percent", t.CPUPercent)
	c.percent("memory_percent", t.MemoryPercent)
	c.percent("disk_percent", t.DiskPercent)
	if t.UptimeS != nil {
		c.nonNegative("uptime_s", *t.UptimeS)
	}
	if len(t.Interfaces) > maxInterfaces {
		c.Add("interfaces", "too_many", "at most "+strconv.Itoa(maxInterfaces)+" interfaces")
		return
	}
	for i := range t.Interfaces {
		f := "interfaces[" + strconv.Itoa(i) + "]."
		c.Text(f+"name", &t.Interfaces[i].Name, maxInterfaceName, true)
		c.nonNegative(f+"rx_bytes", t.Interfaces[i].RxBytes)
		c.nonNegative(f+"tx_bytes", t.Interfaces[i].TxBytes)
	}
}

func (l *Log) check(c *dataChecker) {
	c.OneOf("level", l.Level, logLevels)
	c.Text("message", &l.Message, maxLogMessage, true)
	c.Text("source", &l.Source, maxLogSource, false)
}

func (a *SecurityAlert) check(c *dataChecker) {
	c.Text("title", &a.Title, maxAlertTitle, true)
	c.OneOf("severity", a.Severity, severities)
	c.Text("category", &a.Category, maxAlertCategory, false)
	c.ip("source_ip", &a.SourceIP)
	c.ip("destination_ip", &a.DestinationIP)
	c.ip("asset_ip", &a.AssetIP)
	c.port("source_port", a.SourcePort)
	c.port("destination_port", a.DestinationPort)
	c.Text("protocol", &a.Protocol, maxAlertProtocol, false)
	c.Text("description", &a.Description, maxAlertText, false)
	c.Text("signature_id", &a.SignatureID, maxSignatureID, false)
}

// assetIPs are the addresses an alert's asset is looked up by, in order of
// preference: the one the sensor named, then the target, then the source.
func (a *SecurityAlert) assetIPs() []string {
	var out []string
	for _, ip := range []string{a.AssetIP, a.DestinationIP, a.SourceIP} {
		if ip != "" {
			out = append(out, ip)
		}
	}
	return out
}

func (d *Discovery) check(c *dataChecker) {
	c.ip("ip", &d.IP)
	c.Text("mac", &d.MAC, 32, false)
	if d.IP == "" && d.MAC == "" {
		c.Add("ip", "required", "an observation needs an ip or a mac")
	}
	c.Text("hostname", &d.Hostname, maxHostname, false)
	if len(d.OpenPorts) > maxOpenPorts {
		c.Add("open_ports", "too_many", "at most "+strconv.Itoa(maxOpenPorts)+" ports")
	}
	for i, p := range d.OpenPorts {
		if p < 0 || p > 65535 {
			c.Add("open_ports["+strconv.Itoa(i)+"]", "out_of_range", "must be a port number between 0 and 65535")
			break
		}
	}
	c.Text("vendor", &d.Vendor, maxDiscoveryText, false)
	c.Text("model", &d.Model, maxDiscoveryText, false)
	c.Text("firmware", &d.Firmware, maxDiscoveryText, false)
	c.Text("serial", &d.Serial, maxDiscoveryText, false)
	if len(d.Protocols) > maxProtocols {
		c.Add("protocols", "too_many", "at most "+strconv.Itoa(maxProtocols)+" protocols")
	}
	for i := range d.Protocols {
		c.Text("protocols["+strconv.Itoa(i)+"]", &d.Protocols[i], maxProtocolName, true)
	}
	if len(d.Identity) > maxIdentity {
		c.Add("identity", "too_many", "at most "+strconv.Itoa(maxIdentity)+" entries")
	}
	for k, v := range d.Identity {
		key := k
		c.Text("identity key", &key, maxIdentityKey, true)
		c.Text("identity."+k, &v, maxIdentityValue, false)
	}
}

func (b *BackupEvent) check(c *dataChecker) {
	c.uuid("job_id", b.JobID, true)
	c.OneOf("status", b.Status, backupStatuses)
	c.uuid("asset_id", b.AssetID, false)
	if b.SizeBytes != nil {
		c.nonNegative("size_bytes", *b.SizeBytes)
	}
	if b.ChecksumSHA256 != "" && !isHex(b.ChecksumSHA256, maxBackupChecksum) {
		c.Add("checksum_sha256", "invalid", "must be 64 lower-case hexadecimal characters")
	}
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && (s[i] < 'a' || s[i] > 'f') {
			return false
		}
	}
	return true
}
