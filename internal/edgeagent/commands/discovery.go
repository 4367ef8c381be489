package commands

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"

	"github.com/monozu/monozu/internal/edgeagent/event"
)

// DiscoveryRequest is a validated run_discovery payload.
type DiscoveryRequest struct {
	Subnet  netip.Prefix
	Ports   []int // empty: the discoverer's default IT/OT ports
	RatePPS int   // 0: the discoverer's default cap
}

// Observation is one device found; it is the data of a `discovery` event.
type Observation struct {
	IP        string            `json:"ip"`
	MAC       string            `json:"mac,omitempty"`
	Hostname  string            `json:"hostname,omitempty"`
	OpenPorts []int             `json:"open_ports"`
	Vendor    string            `json:"vendor,omitempty"`
	Model     string            `json:"model,omitempty"`
	Firmware  string            `json:"firmware,omitempty"`
	Serial    string            `json:"serial,omitempty"`
	Protocols []string          `json:"protocols,omitempty"`
	Identity  map[string]string `json:"identity,omitempty"`
}

// Discoverer runs one discovery (internal/edgeagent/discovery implements it).
// The summary is any JSON-encodable value and becomes the command result as
// it is; the observations become `discovery` events. Security events it
// raises itself go to the spool through the sink it was built with.
type Discoverer interface {
	Discover(ctx context.Context, req DiscoveryRequest) (summary any, found []Observation, err error)
}

// ErrDiscoveryUnavailable is what a build without discovery answers.
var ErrDiscoveryUnavailable = errors.New("discovery is not available in this build")

// NoDiscovery is the Discoverer of a build that has none.
type NoDiscovery struct{}

// Discover always fails with ErrDiscoveryUnavailable.
func (NoDiscovery) Discover(context.Context, DiscoveryRequest) (any, []Observation, error) {
	return nil, nil, ErrDiscoveryUnavailable
}

// maxRatePPS caps what a command may ask for (OT networks are fragile);
// the discovery package enforces the same cap.
const maxRatePPS = 1000

// Spooler takes events for upload.
type Spooler interface {
	Append(events ...event.Event) (int, error)
}

// RunDiscovery answers run_discovery {subnet, ports?, rate_pps?}: the
// observations are spooled as discovery events, the summary is the result.
func RunDiscovery(d Discoverer, sink Spooler) Handler {
	return func(ctx context.Context, payload json.RawMessage) (Result, error) {
		var p struct {
			Subnet  string `json:"subnet"`
			Ports   []int  `json:"ports"`
			RatePPS int    `json:"rate_pps"`
		}
		if err := decode(payload, &p); err != nil {
			return Result{}, err
		}
		prefix, err := netip.ParsePrefix(p.Subnet)
		if err != nil {
			return Result{}, Reject("subnet %q is not a CIDR prefix such as 192.0.2.0/24", p.Subnet)
		}
		if err := checkPorts(p.Ports, false); err != nil {
			return Result{}, err
		}
		if p.RatePPS < 0 || p.RatePPS > maxRatePPS {
			return Result{}, Reject("rate_pps must be between 1 and %d", maxRatePPS)
		}
		summary, found, err := d.Discover(ctx, DiscoveryRequest{Subnet: prefix.Masked(), Ports: p.Ports, RatePPS: p.RatePPS})
		if err != nil {
			return Result{}, err
		}
		events := make([]event.Event, 0, len(found))
		for _, o := range found {
			if o.OpenPorts == nil {
				o.OpenPorts = []int{}
			}
			ev, err := event.New(event.KindDiscovery, o)
			if err != nil {
				return Result{}, err
			}
			events = append(events, ev)
		}
		if _, err := sink.Append(events...); err != nil {
			return Result{}, err
		}
		return Result{Data: summary}, nil
	}
}
