package commands

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Limits of the network commands.
const (
	maxPorts       = 1024
	maxPingCount   = 10
	connectTimeout = 2 * time.Second
	portWorkers    = 32
)

// pingPorts are tried in turn when a ping target names no port.
var pingPorts = []int{443, 80, 22}

type pingPayload struct {
	Target string `json:"target"`
	Port   int    `json:"port,omitempty"`
	Count  int    `json:"count,omitempty"`
}

// PingResult is the result of ping.
type PingResult struct {
	Target    string    `json:"target"`
	Method    string    `json:"method"`
	Port      int       `json:"port"`
	Sent      int       `json:"sent"`
	Received  int       `json:"received"`
	Reachable bool      `json:"reachable"`
	RTTms     []float64 `json:"rtt_ms"`
	Error     string    `json:"error,omitempty"`
}

// Ping answers ping {target, port?, count?} with a TCP connect "ping": ICMP
// needs privileges the agent does not run with. A host that accepts the
// connection or refuses it (RST) answered, so it is reachable; a timeout or
// an unreachable network is a lost probe.
func Ping(ctx context.Context, payload json.RawMessage) (Result, error) {
	var p pingPayload
	if err := decode(payload, &p); err != nil {
		return Result{}, err
	}
	host, port, err := splitTarget(p.Target, p.Port)
	if err != nil {
		return Result{}, err
	}
	count := p.Count
	if count <= 0 {
		count = 3
	}
	if count > maxPingCount {
		return Result{}, Reject("count must be at most %d", maxPingCount)
	}
	ports := pingPorts
	if port != 0 {
		ports = []int{port}
	}
	res := PingResult{Target: p.Target, Method: "tcp_connect", RTTms: []float64{}}
	for _, pt := range ports {
		res.Port, res.Sent, res.Received, res.RTTms = pt, 0, 0, res.RTTms[:0]
		for i := 0; i < count && ctx.Err() == nil; i++ {
			res.Sent++
			rtt, answered, err := probe(ctx, host, pt)
			if answered {
				res.Received++
				res.RTTms = append(res.RTTms, float64(rtt.Microseconds())/1000)
			} else if err != nil {
				res.Error = err.Error()
			}
		}
		if res.Received > 0 {
			res.Reachable, res.Error = true, ""
			break
		}
	}
	return Result{Data: res}, nil
}

// probe connects once; answered is true when the host replied (accepted or refused).
func probe(ctx context.Context, host string, port int) (time.Duration, bool, error) {
	d := net.Dialer{Timeout: connectTimeout}
	start := time.Now()
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	rtt := time.Since(start)
	if err == nil {
		_ = conn.Close()
		return rtt, true, nil
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return rtt, true, nil
	}
	return rtt, false, err
}

type portCheckPayload struct {
	Target string `json:"target"`
	Ports  []int  `json:"ports"`
}

// PortState is one port of a port_check.
type PortState struct {
	Port  int    `json:"port"`
	State string `json:"state"` // open | closed | filtered
	Error string `json:"error,omitempty"`
}

// PortCheckResult is the result of port_check.
type PortCheckResult struct {
	Target string      `json:"target"`
	Open   []int       `json:"open"`
	Ports  []PortState `json:"ports"`
}

// PortCheck answers port_check {target, ports} with TCP connects, up to 32
// at a time: open (accepted), closed (refused) or filtered (no answer).
func PortCheck(ctx context.Context, payload json.RawMessage) (Result, error) {
	var p portCheckPayload
	if err := decode(payload, &p); err != nil {
		return Result{}, err
	}
	host, _, err := splitTarget(p.Target, 0)
	if err != nil {
		return Result{}, err
	}
	if err := checkPorts(p.Ports, true); err != nil {
		return Result{}, err
	}
	states := make([]PortState, len(p.Ports))
	var wg sync.WaitGroup
	sem := make(chan struct{}, portWorkers)
	for i, port := range p.Ports {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			states[i] = PortState{Port: port, State: "filtered"}
			d := net.Dialer{Timeout: connectTimeout}
			conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
			switch {
			case err == nil:
				_ = conn.Close()
				states[i].State = "open"
			case errors.Is(err, syscall.ECONNREFUSED):
				states[i].State = "closed"
			default:
				states[i].Error = err.Error()
			}
		}()
	}
	wg.Wait()
	res := PortCheckResult{Target: p.Target, Open: []int{}, Ports: states}
	for _, st := range states {
		if st.State == "open" {
			res.Open = append(res.Open, st.Port)
		}
	}
	return Result{Data: res}, nil
}

// splitTarget accepts "host", "host:port", an IP or "[v6]:port".
func splitTarget(target string, port int) (string, int, error) {
	target = strings.TrimSpace(target)
	if target == "" || len(target) > 253 {
		return "", 0, Reject("target is required (a host name or IP, at most 253 characters)")
	}
	host := target
	if h, ps, err := net.SplitHostPort(target); err == nil {
		n, err := strconv.Atoi(ps)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, Reject("target port must be 1-65535")
		}
		host, port = h, n
	}
	if _, err := netip.ParseAddr(host); err != nil && !validHostname(host) {
		return "", 0, Reject("target %q is not an IP address or host name", target)
	}
	if port < 0 || port > 65535 {
		return "", 0, Reject("port must be 1-65535")
	}
	return host, port, nil
}

func validHostname(h string) bool {
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

func checkPorts(ports []int, required bool) error {
	if required && len(ports) == 0 {
		return Reject("ports is required")
	}
	if len(ports) > maxPorts {
		return Reject("at most %d ports", maxPorts)
	}
	for _, p := range ports {
		if p < 1 || p > 65535 {
			return Reject("port %d is not 1-65535", p)
		}
	}
	return nil
}
