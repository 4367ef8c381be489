package discovery_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/discovery"
)

func TestScanPacesEveryAttemptThroughTheRateLimiter(t *testing.T) {
	clock := &discovery.FakeClock{}
	var gotPPS int
	var dials atomic.Int64
	tl := startLab(t, func(o *discovery.Options) {
		o.Workers = 6
		o.NewLimiter = func(pps int) discovery.Limiter {
			gotPPS = pps
			return discovery.NewTokenBucket(pps, 1, clock)
		}
		o.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
	})
	const pps = 7
	sum, obs, err := tl.scanner.Scan(context.Background(), discovery.Request{Subnet: tl.subnet, Ports: tl.ports, RatePPS: pps})
	if err != nil {
		t.Fatal(err)
	}
	if gotPPS != pps || sum.RatePPS != pps {
		t.Fatalf("limiter built for %d/s, summary says %d/s, want %d", gotPPS, sum.RatePPS, pps)
	}
	n := int(dials.Load())
	if n != sum.Attempts || n != 6*len(tl.ports) || len(obs) != 5 {
		t.Fatalf("%d dials, summary %d attempts, %d hosts up", n, sum.Attempts, len(obs))
	}
	// A bucket of one at 7/s lets n attempts through only after (n-1)/7 s of its clock.
	elapsed := clock.Now().Sub(time.Time{})
	if min := time.Duration(n-1) * time.Second / pps; elapsed < min-time.Millisecond {
		t.Fatalf("%d attempts passed after %v of limiter time, want at least %v", n, elapsed, min)
	}
}

func TestScanProbesEachHostOneAtATime(t *testing.T) {
	var (
		mu       sync.Mutex
		inFlight = map[string]int{}
		worst    = map[string]int{}
	)
	enter := func(host string) {
		mu.Lock()
		inFlight[host]++
		worst[host] = max(worst[host], inFlight[host])
		mu.Unlock()
	}
	leave := func(host string) {
		mu.Lock()
		inFlight[host]--
		mu.Unlock()
	}
	tl := startLab(t, func(o *discovery.Options) {
		o.Workers = 6
		o.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(addr)
			enter(host)
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				leave(host)
				return nil, err
			}
			return &trackedConn{Conn: c, done: func() { leave(host) }}, nil
		}
	})
	_, obs := tl.scan(t)
	if len(obs) != 5 || len(worst) != 6 {
		t.Fatalf("%d hosts up, %d hosts dialled", len(obs), len(worst))
	}
	for host, n := range worst {
		if n != 1 {
			t.Errorf("%s had %d probes at once", host, n)
		}
	}
}

// trackedConn reports its first Close.
type trackedConn struct {
	net.Conn
	once sync.Once
	done func()
}

func (c *trackedConn) Close() error {
	c.once.Do(c.done)
	return c.Conn.Close()
}

func TestScanStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var dials atomic.Int64
	s := discovery.New(discovery.Options{
		Workers:        1,
		SkipReverseDNS: true,
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if dials.Add(1) == 3 {
				cancel()
			}
			return nil, errors.New("refused")
		},
	})
	sum, _, err := s.Scan(ctx, discovery.Request{Subnet: "127.66.0.0/24", Ports: []int{502}, RatePPS: discovery.MaxPPS})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Scan after cancel = %v", err)
	}
	if !sum.Cancelled || sum.HostsProbed >= 254 || dials.Load() > 4 {
		t.Fatalf("a cancelled scan went on: %+v after %d dials", sum, dials.Load())
	}
}

func TestScanRefusesInvalidRequestsWithoutProbing(t *testing.T) {
	var dials atomic.Int64
	s := discovery.New(discovery.Options{Dial: func(context.Context, string, string) (net.Conn, error) {
		dials.Add(1)
		return nil, errors.New("refused")
	}})
	for _, req := range []discovery.Request{
		{Subnet: "127.0.0.0/8"},
		{Subnet: "127.0.0.8/29", Ports: []int{70000}},
		{Subnet: "127.0.0.8/29", RatePPS: 100000},
		{Subnet: "::1/128"},
	} {
		_, obs, err := s.Scan(context.Background(), req)
		var ve discovery.ValidationError
		if !errors.As(err, &ve) || obs != nil {
			t.Errorf("Scan(%+v) = %v, want a ValidationError", req, err)
		}
	}
	if dials.Load() != 0 {
		t.Fatalf("invalid requests made %d connection attempts", dials.Load())
	}
}
