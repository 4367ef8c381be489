package edge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Limits of commands.
const (
	defaultCommandExpiry = time.Hour
	maxCommandExpiry     = 7 * 24 * time.Hour
	maxPayloadBytes      = 64 << 10
	maxResultBytes       = 256 << 10
	maxCommandError      = 4000
	maxPollBatch         = 50
	maxPorts             = 1024
	maxRatePPS           = 10_000
)

// CommandTypes are the types people can issue; the agent rejects the ones
// it does not know.
var CommandTypes = []string{"run_discovery", "restart_service", "config_update", "update_agent", "ping", "port_check"}

var (
	serviceNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$`)
	targetHostPattern  = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$`)
)

// Command is an instruction to a device and what became of it.
type Command struct {
	ID            uuid.UUID       `db:"id" json:"id"`
	DeviceID      uuid.UUID       `db:"device_id" json:"device_id"`
	Type          string          `db:"type" json:"type"`
	Payload       json.RawMessage `db:"payload" json:"payload"`
	Status        string          `db:"status" json:"status" enum:"pending delivered completed failed rejected expired cancelled"`
	IssuedBy      *uuid.UUID      `db:"issued_by" json:"issued_by"`
	IssuedAt      time.Time       `db:"issued_at" json:"issued_at"`
	ExpiresAt     time.Time       `db:"expires_at" json:"expires_at"`
	DeliveredAt   *time.Time      `db:"delivered_at" json:"delivered_at" doc:"the latest delivery"`
	LeaseUntil    *time.Time      `db:"lease_until" json:"lease_until"`
	DeliveryCount int             `db:"delivery_count" json:"delivery_count"`
	FinishedAt    *time.Time      `db:"finished_at" json:"finished_at"`
	Result        json.RawMessage `db:"result" json:"result" doc:"what the device reported (discovery summary, ping output)"`
	Error         string          `db:"error" json:"error"`
}

// atTime sets the status the command is in at now (commandStatusAt).
func (c Command) atTime(now time.Time) Command {
	c.Status = commandStatusAt(c.Status, c.ExpiresAt, c.LeaseUntil, now)
	return c
}

// NewCommand is a command to issue.
type NewCommand struct {
	Type       string          `json:"type" enum:"run_discovery restart_service config_update update_agent ping port_check"`
	Payload    json.RawMessage `json:"payload" doc:"run_discovery {subnet, ports?, rate_pps?}; restart_service {service}; config_update {settings}; update_agent {version}; ping {target}; port_check {target, ports}"`
	ExpiresInS int             `json:"expires_in_s,omitempty" doc:"seconds until it expires undelivered; 3600 when absent, at most 604800"`
}

// Payloads of each type, read strictly.
type (
	discoveryPayload struct {
		Subnet  string `json:"subnet"`
		Ports   []int  `json:"ports,omitempty"`
		RatePPS *int   `json:"rate_pps,omitempty"`
	}
	restartPayload struct {
		Service string `json:"service"`
	}
	configPayload struct {
		Settings map[string]json.RawMessage `json:"settings"`
	}
	updatePayload struct {
		Version string `json:"version"`
	}
	pingPayload struct {
		Target string `json:"target"`
	}
	portCheckPayload struct {
		Target string `json:"target"`
		Ports  []int  `json:"ports"`
	}
)

// normalized checks the command and returns its expiry at now.
func (n NewCommand) normalized(now time.Time) (NewCommand, time.Time, error) {
	var c errs.Checker
	expiry := defaultCommandExpiry
	switch {
	case n.ExpiresInS < 0 || time.Duration(n.ExpiresInS)*time.Second > maxCommandExpiry:
		c.Add("expires_in_s", "out_of_range", "must be from 1 to 604800 seconds (7 days)")
	case n.ExpiresInS > 0:
		expiry = time.Duration(n.ExpiresInS) * time.Second
	}
	c.OneOf("type", n.Type, CommandTypes)
	switch {
	case len(n.Payload) > maxPayloadBytes:
		c.Add("payload", "too_large", "must be at most 64 KiB")
	case unstorable(n.Payload):
		c.Add("payload", "invalid", noNUL)
	case len(c.Fields) == 0:
		n.Payload = checkPayload(&c, n.Type, n.Payload)
	}
	return n, now.Add(expiry), c.Err()
}

// checkPayload validates the payload of a command type and returns it
// compacted.
func checkPayload(c *errs.Checker, typ string, raw json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		raw = json.RawMessage("{}")
	}
	decode := func(dst any) bool {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(dst); err != nil {
			c.Add("payload", "invalid", "must be a "+typ+" payload object: "+payloadReason(err))
			return false
		}
		return true
	}
	switch typ {
	case "run_discovery":
		var p discoveryPayload
		if decode(&p) {
			if pfx, err := netip.ParsePrefix(p.Subnet); err != nil || pfx.Masked() != pfx {
				c.Add("payload.subnet", "invalid", "must be a network in CIDR notation, e.g. 10.0.10.0/24")
			} else if pfx.Addr().Is4() && pfx.Bits() < 16 || pfx.Addr().Is6() && pfx.Bits() < 112 {
				c.Add("payload.subnet", "too_large", "must be at most a /16 (IPv4) or /112 (IPv6)")
			}
			checkPorts(c, "payload.ports", p.Ports, false)
			if p.RatePPS != nil && (*p.RatePPS < 1 || *p.RatePPS > maxRatePPS) {
				c.Add("payload.rate_pps", "out_of_range", "must be from 1 to 10000 packets per second")
			}
		}
	case "restart_service":
		var p restartPayload
		if decode(&p) && !serviceNamePattern.MatchString(p.Service) {
			c.Add("payload.service", "invalid", "must be a service name: letters, digits, _ . @ -, at most 128")
		}
	case "config_update":
		var p configPayload
		if decode(&p) && len(p.Settings) == 0 {
			c.Add("payload.settings", "required", "must be an object with at least one setting")
		}
	case "update_agent":
		var p updatePayload
		if decode(&p) && !versionPattern.MatchString(p.Version) {
			c.Add("payload.version", "invalid", "must be a version such as 1.4.2")
		}
	case "ping":
		var p pingPayload
		if decode(&p) {
			checkTarget(c, p.Target)
		}
	case "port_check":
		var p portCheckPayload
		if decode(&p) {
			checkTarget(c, p.Target)
			checkPorts(c, "payload.ports", p.Ports, true)
		}
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) != nil {
		return raw
	}
	return compact.Bytes()
}

const noNUL = `must be valid UTF-8 without NUL characters (\u0000)`

// unstorable reports JSON text PostgreSQL's jsonb cannot store: invalid
// UTF-8, or a \u0000 escape.
func unstorable(raw json.RawMessage) bool {
	return !utf8.Valid(raw) || bytes.Contains(raw, []byte(`\u0000`))
}

func payloadReason(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return typeErr.Field + " has the wrong type"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func checkTarget(c *errs.Checker, target string) {
	if net.ParseIP(target) == nil && !targetHostPattern.MatchString(target) {
		c.Add("payload.target", "invalid", "must be an IP address or a host name")
	}
}

func checkPorts(c *errs.Checker, field string, ports []int, required bool) {
	switch {
	case required && len(ports) == 0:
		c.Add(field, "required", "must list at least one port")
	case len(ports) > maxPorts:
		c.Add(field, "too_many", "must list at most 1024 ports")
	}
	for i, p := range ports {
		if p < 1 || p > 65535 {
			c.Add(fmt.Sprintf("%s[%d]", field, i), "out_of_range", "must be from 1 to 65535")
		}
	}
}

// PendingCommand is a command as a device receives it.
type PendingCommand struct {
	ID        uuid.UUID       `db:"id" json:"id"`
	Type      string          `db:"type" json:"type"`
	Payload   json.RawMessage `db:"payload" json:"payload"`
	IssuedAt  time.Time       `db:"issued_at" json:"issued_at"`
	ExpiresAt time.Time       `db:"expires_at" json:"expires_at"`
}

// Ack is a device's report on a command it was given.
type Ack struct {
	Status string          `json:"status" enum:"completed failed rejected"`
	Result json.RawMessage `json:"result,omitempty" doc:"any JSON, at most 256 KiB"`
	Error  string          `json:"error,omitempty" doc:"at most 4000 characters"`
}

func (a Ack) normalized() (Ack, error) {
	var c errs.Checker
	c.OneOf("status", a.Status, ackStatuses)
	switch {
	case len(a.Result) > maxResultBytes:
		c.Add("result", "too_large", "must be at most 256 KiB")
	case unstorable(a.Result):
		c.Add("result", "invalid", noNUL)
	}
	if string(bytes.TrimSpace(a.Result)) == "null" {
		a.Result = nil
	}
	c.Text("error", &a.Error, maxCommandError, false)
	return a, c.Err()
}

// commandCursor is where a page of commands continues: newest first.
type commandCursor struct {
	IssuedAt time.Time
	ID       uuid.UUID
}
