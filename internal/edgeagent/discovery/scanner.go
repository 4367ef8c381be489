package discovery

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Scanner. Zero values mean the documented defaults.
type Options struct {
	// Ports on which each protocol is spoken; identification is attempted only there, so a
	// device never receives a protocol it does not expect on that port.
	ModbusPorts []int // default 502
	ENIPPorts   []int // default 44818
	SNMPPorts   []int // default 161; probed with an SNMP GET over UDP instead of a TCP connect
	HTTPPorts   []int // default 80, 8080
	HTTPSPorts  []int // default 443, 8443

	SNMPCommunity  string        // default "public"
	ConnectTimeout time.Duration // one TCP connect; default 1 s
	ProbeTimeout   time.Duration // one identification exchange; default 2 s
	Workers        int           // hosts probed at once (each host one probe at a time); default 16

	NeighbourFile string // ARP table; default /proc/net/arp

	// Dial opens every connection a scan makes (TCP and UDP); default a net.Dialer.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// NewLimiter builds the scan's pacer from its rate; default a token bucket of burst 1.
	NewLimiter func(pps int) Limiter
	// LookupAddr resolves hostnames of hosts that are up and named by no protocol; default
	// the system resolver; set SkipReverseDNS to not resolve at all.
	LookupAddr     func(ctx context.Context, addr string) ([]string, error)
	SkipReverseDNS bool
}

// Scanner runs discovery scans; it is safe for concurrent use.
type Scanner struct {
	opts Options
}

// New fills the defaults of opts.
func New(opts Options) *Scanner {
	def := func(p *[]int, v ...int) {
		if len(*p) == 0 {
			*p = v
		}
	}
	def(&opts.ModbusPorts, 502)
	def(&opts.ENIPPorts, 44818)
	def(&opts.SNMPPorts, 161)
	def(&opts.HTTPPorts, 80, 8080)
	def(&opts.HTTPSPorts, 443, 8443)
	if opts.SNMPCommunity == "" {
		opts.SNMPCommunity = "public"
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = time.Second
	}
	if opts.ProbeTimeout <= 0 {
		opts.ProbeTimeout = 2 * time.Second
	}
	if opts.Workers <= 0 {
		opts.Workers = 16
	}
	if opts.NeighbourFile == "" {
		opts.NeighbourFile = DefaultNeighbourFile
	}
	if opts.Dial == nil {
		opts.Dial = (&net.Dialer{}).DialContext
	}
	if opts.NewLimiter == nil {
		opts.NewLimiter = func(pps int) Limiter { return NewTokenBucket(pps, 1, nil) }
	}
	if opts.LookupAddr == nil {
		opts.LookupAddr = net.DefaultResolver.LookupAddr
	}
	return &Scanner{opts: opts}
}

// Scan sweeps req.Subnet and identifies what answers. A request that cannot run returns a
// ValidationError and no work is done. When ctx ends mid-scan, the summary and observations of
// the hosts finished so far are returned with ctx's error.
func (s *Scanner) Scan(ctx context.Context, req Request) (Summary, []Observation, error) {
	p, err := req.validate()
	if err != nil {
		return Summary{}, nil, err
	}
	started := time.Now()
	run := &scanRun{opts: s.opts, limiter: s.opts.NewLimiter(p.pps), neighbours: readNeighbourFile(s.opts.NeighbourFile)}

	hosts := p.hosts()
	work := make(chan netip.Addr)
	var (
		mu  sync.Mutex
		obs []Observation
		wg  sync.WaitGroup
	)
	for range min(s.opts.Workers, len(hosts)) {
		wg.Go(func() {
			for addr := range work {
				if o, up := run.probeHost(ctx, addr, p.ports); up {
					mu.Lock()
					obs = append(obs, o)
					mu.Unlock()
				}
			}
		})
	}
	probed := 0
feed:
	for _, h := range hosts {
		select {
		case work <- h:
			probed++
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()

	sort.Slice(obs, func(i, j int) bool {
		return netip.MustParseAddr(obs[i].IP).Less(netip.MustParseAddr(obs[j].IP))
	})
	sum := Summary{
		Subnet:      p.prefix.String(),
		Ports:       p.ports,
		StartedAt:   started.UTC(),
		HostsProbed: probed,
		HostsUp:     len(obs),
		Identified:  map[string]int{},
		DurationMS:  time.Since(started).Milliseconds(),
		RatePPS:     p.pps,
		Attempts:    int(run.attempts.Load()),
	}
	for _, o := range obs {
		for _, proto := range o.Protocols {
			sum.Identified[proto]++
		}
	}
	if err := ctx.Err(); err != nil {
		sum.Cancelled = true
		return sum, obs, err
	}
	return sum, obs, nil
}

// scanRun is the state one scan shares between its workers.
type scanRun struct {
	opts       Options
	limiter    Limiter
	neighbours map[string]string
	attempts   atomic.Int64
}

// dial paces and counts every connection attempt of the scan.
func (r *scanRun) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if err := r.limiter.Wait(ctx); err != nil {
		return nil, err
	}
	r.attempts.Add(1)
	cctx, cancel := context.WithTimeout(ctx, r.opts.ConnectTimeout)
	defer cancel()
	return r.opts.Dial(cctx, network, addr)
}

// probeHost tries every port of one host, one after the other, and identifies what answers.
func (r *scanRun) probeHost(ctx context.Context, addr netip.Addr, ports []int) (Observation, bool) {
	ip := addr.String()
	found := newFindings()
	for _, port := range ports {
		if ctx.Err() != nil {
			break
		}
		if slices.Contains(r.opts.SNMPPorts, port) {
			if sys, ok := r.probeSNMP(ctx, ip, port); ok {
				found.open(port)
				found.add(ProtoSNMP, sys)
			}
			continue
		}
		conn, err := r.dial(ctx, "tcp", net.JoinHostPort(ip, itoa(port)))
		if err != nil {
			continue
		}
		found.open(port)
		r.identify(ctx, conn, ip, port, found)
		conn.Close()
	}
	mac := r.neighbours[ip]
	if len(found.ports) == 0 && mac == "" {
		return Observation{}, false
	}
	o := found.observation(ip, mac)
	if o.Hostname == "" && !r.opts.SkipReverseDNS && ctx.Err() == nil {
		o.Hostname = r.reverseName(ctx, ip)
	}
	return o, true
}

// identify speaks the protocol expected on port over the connection the sweep just opened, so
// identification costs no further connection.
func (r *scanRun) identify(ctx context.Context, conn net.Conn, ip string, port int, found *findings) {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	_ = conn.SetDeadline(time.Now().Add(r.opts.ProbeTimeout))
	switch {
	case slices.Contains(r.opts.ModbusPorts, port):
		if id, ok := modbusIdentify(conn); ok {
			found.add(ProtoModbus, id)
		}
	case slices.Contains(r.opts.ENIPPorts, port):
		if id, ok := enipIdentify(conn); ok {
			found.add(ProtoENIP, id)
		}
	case slices.Contains(r.opts.HTTPPorts, port):
		if id, ok := httpIdentify(conn, ip, false); ok {
			found.add(ProtoHTTP, id)
		}
	case slices.Contains(r.opts.HTTPSPorts, port):
		if id, ok := httpIdentify(conn, ip, true); ok {
			found.add(ProtoHTTPS, id)
		}
	}
}

func (r *scanRun) reverseName(ctx context.Context, ip string) string {
	lctx, cancel := context.WithTimeout(ctx, r.opts.ConnectTimeout)
	defer cancel()
	names, err := r.opts.LookupAddr(lctx, ip)
	if err != nil || len(names) == 0 {
		return ""
	}
	return clean(trimDot(names[0]))
}

func trimDot(s string) string {
	if len(s) > 1 && s[len(s)-1] == '.' {
		return s[:len(s)-1]
	}
	return s
}
