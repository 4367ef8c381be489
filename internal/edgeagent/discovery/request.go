package discovery

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Limits of one scan request.
const (
	// MinPrefixBits bounds a sweep to a /22 (1,024 addresses).
	MinPrefixBits = 22
	MaxPorts      = 64
	DefaultPPS    = 50
	MaxPPS        = 1000
)

// DefaultPorts are the IT and OT ports swept when a request names none: SSH, HTTP, HTTPS,
// S7comm (ISO-TSAP), SNMP (probed over UDP), Modbus/TCP, OPC UA, DNP3, EtherNet/IP, BACnet/IP.
var DefaultPorts = []int{22, 80, 443, 102, 161, 502, 4840, 20000, 44818, 47808}

// Request is one scan: a subnet in CIDR notation, the ports (DefaultPorts when empty) and the
// rate cap in connection attempts per second (DefaultPPS when zero).
type Request struct {
	Subnet  string `json:"subnet"`
	Ports   []int  `json:"ports,omitempty"`
	RatePPS int    `json:"rate_pps,omitempty"`
}

// FieldError names a field of a Request and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every problem of a Request.
type ValidationError []FieldError

func (v ValidationError) Error() string {
	parts := make([]string, len(v))
	for i, f := range v {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid discovery request: " + strings.Join(parts, "; ")
}

// plan is a validated request.
type plan struct {
	prefix netip.Prefix
	ports  []int
	pps    int
}

// Validate answers a ValidationError when the request cannot be run, so the agent can reject a
// command before it starts.
func (r Request) Validate() error {
	_, err := r.validate()
	return err
}

// validate checks r and answers its effective plan.
func (r Request) validate() (plan, error) {
	var errs ValidationError
	p := plan{ports: slices.Clone(DefaultPorts), pps: DefaultPPS}

	prefix, err := netip.ParsePrefix(strings.TrimSpace(r.Subnet))
	switch {
	case err != nil:
		errs = append(errs, FieldError{"subnet", "must be an IPv4 subnet in CIDR notation, e.g. 192.168.10.0/24"})
	case !prefix.Addr().Is4():
		errs = append(errs, FieldError{"subnet", "only IPv4 subnets can be swept"})
	case prefix.Bits() < MinPrefixBits:
		errs = append(errs, FieldError{"subnet", fmt.Sprintf("at most a /%d (1,024 addresses) per request", MinPrefixBits)})
	default:
		p.prefix = prefix.Masked()
	}

	if len(r.Ports) > 0 {
		switch {
		case len(r.Ports) > MaxPorts:
			errs = append(errs, FieldError{"ports", fmt.Sprintf("at most %d ports", MaxPorts)})
		case slices.ContainsFunc(r.Ports, func(n int) bool { return n < 1 || n > 65535 }):
			errs = append(errs, FieldError{"ports", "each port must be 1–65535"})
		default:
			p.ports = slices.Clone(r.Ports)
		}
	}
	slices.Sort(p.ports)
	p.ports = slices.Compact(p.ports)

	switch {
	case r.RatePPS < 0 || r.RatePPS > MaxPPS:
		errs = append(errs, FieldError{"rate_pps", fmt.Sprintf("must be 1–%d (0 means %d)", MaxPPS, DefaultPPS)})
	case r.RatePPS > 0:
		p.pps = r.RatePPS
	}
	if len(errs) > 0 {
		return plan{}, errs
	}
	return p, nil
}

// hosts lists the addresses a sweep of the prefix probes: every address except, for prefixes of
// /30 and wider, the network and broadcast addresses.
func (p plan) hosts() []netip.Addr {
	var out []netip.Addr
	first, bits := p.prefix.Addr(), p.prefix.Bits()
	for a := first; p.prefix.Contains(a); a = a.Next() {
		out = append(out, a)
	}
	if bits <= 30 && len(out) > 2 {
		out = out[1 : len(out)-1]
	}
	return out
}
