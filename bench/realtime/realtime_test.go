package realtimebench

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/security"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/migrations"
)

// Targets of the issue.
const (
	targetIdleRSS    = 1 << 30 // for 10,000 idle connections
	targetLatencyP99 = 250 * time.Millisecond
)

func num(b *testing.B, name string, def int) int {
	raw := os.Getenv(name)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive number", name, raw)
	}
	return n
}

func setup(b *testing.B) (*dbtest.DB, *server) {
	b.Helper()
	if u := os.Getenv("MONOZU_BENCH_DATABASE_URL"); u != "" {
		b.Setenv("MONOZU_TEST_DATABASE_URL", u)
	}
	if err := raiseFileLimit(); err != nil {
		b.Fatal(err)
	}
	d := dbtest.New(b, migrations.Cloud())
	return d, startServer(b, d)
}

func verdict(ok bool) string {
	if ok {
		return "MET"
	}
	return "MISSED"
}

// client is one feed connection.
type client struct{ conn *websocket.Conn }

// connectMany opens n feed connections with the token, from several
// loopback source addresses (each has its own ephemeral ports), a few at a
// time. Each gets a reader, which also answers the server's pings, and
// hands onAlert each alert's title and arrival time.
func connectMany(b *testing.B, s *server, n int, onAlert func(i int, title string, at time.Time)) []*client {
	b.Helper()
	u := "ws://" + s.addr + security.FeedPath + "?" + url.Values{"token": {s.token}}.Encode()
	clients := make([]*client, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 32)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			source := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i%8))}
			d := websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 256,
				NetDial: func(network, addr string) (net.Conn, error) {
					return (&net.Dialer{LocalAddr: source}).Dial(network, addr)
				}}
			conn, _, err := d.Dial(u, nil)
			if err != nil {
				errs <- err
				return
			}
			clients[i] = &client{conn: conn}
			go func() {
				for {
					_, raw, err := conn.ReadMessage()
					if err != nil {
						return
					}
					at := time.Now()
					if onAlert != nil {
						onAlert(i, alertTitle(raw), at)
					}
				}
			}()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatalf("connect: %v", err)
	}
	b.Cleanup(func() {
		for _, c := range clients {
			_ = c.conn.Close()
		}
	})
	return clients
}

// alertTitle finds the alert's title in a feed message without decoding
// all of it: the clients share the machine with the server, so they stay
// cheap. The benchmark's titles need no JSON escapes.
func alertTitle(raw []byte) string {
	marker := []byte(`"title":"`)
	i := bytes.Index(raw, marker)
	if i < 0 {
		return ""
	}
	rest := raw[i+len(marker):]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return ""
	}
	return string(rest[:end])
}

// BenchmarkIdleConnections measures the API process's resident memory with
// 10,000 idle feed connections against the same process with none.
func BenchmarkIdleConnections(b *testing.B) {
	_, s := setup(b)
	n := num(b, "MONOZU_BENCH_CONNECTIONS", 10_000)
	w := os.Stdout
	settle := func() { time.Sleep(2 * time.Second) }
	settle()
	base := s.rss(b)
	start := time.Now()
	connectMany(b, s, n, nil)
	took := time.Since(start)
	settle()
	loaded := s.rss(b)
	perConn := float64(loaded-base) / float64(n)
	fmt.Fprintf(w, "\nRealtime: %d idle WebSocket connections to `monozu api` (a child process), %d CPUs, %s\n", n, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(w, "  connected in %s (%.0f/s)\n", took.Round(time.Millisecond), float64(n)/took.Seconds())
	fmt.Fprintf(w, "  RSS with 0 connections (baseline) %7.1f MiB\n", float64(base)/(1<<20))
	fmt.Fprintf(w, "  RSS with %d connections        %7.1f MiB (%.2f× the baseline, %.1f KiB per connection)\n",
		n, float64(loaded)/(1<<20), float64(loaded)/float64(base), perConn/1024)
	fmt.Fprintf(w, "  target: RSS < 1 GiB with %d idle connections   %s\n\n", n, verdict(loaded < targetIdleRSS))
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(loaded)/(1<<20), "rss-MiB")
	b.ReportMetric(float64(base)/(1<<20), "baseline-rss-MiB")
	b.ReportMetric(perConn/1024, "KiB/conn")
}

// sender raises one alert in a tenant and returns when it was accepted:
// committed (raiseSender) or answered 204 by the ingestor (ingestSender).
type sender func(title string) (accepted time.Time, err error)

// raiseSender commits alerts directly with the API's own Service.Raise on
// the app role: the baseline path without the ingestor.
func raiseSender(db *database.DB, tenant uuid.UUID) sender {
	svc := security.NewService(db)
	ctx := auth.WithPrincipal(context.Background(), auth.System(tenant))
	return func(title string) (time.Time, error) {
		_, err := svc.Raise(ctx, security.NewAlert{Title: title, Severity: "high", ObservedAt: time.Now()})
		return time.Now(), err
	}
}

// series is one way of sending alerts, measured at the clients.
type series struct {
	name string
	send sender
}

// latencies sends alerts one at a time to n clients, taking turns between
// the series, and returns per series, for every alert and client, the
// time from acceptance to arrival.
func latencies(b *testing.B, s *server, all []series, n, alerts int) [][]time.Duration {
	b.Helper()
	var mu sync.Mutex
	arrivals := map[string][]time.Time{}
	arrived := make(chan string, n*4)
	connectMany(b, s, n, func(_ int, title string, at time.Time) {
		mu.Lock()
		arrivals[title] = append(arrivals[title], at)
		full := len(arrivals[title]) == n
		mu.Unlock()
		if full {
			select {
			case arrived <- title:
			default: // a client of an earlier round, still connected
			}
		}
	})
	time.Sleep(time.Second) // every connection registered with the hub
	round := uuid.NewString()[:8]
	out := make([][]time.Duration, len(all))
	for i := range alerts {
		for j, sr := range all {
			title := fmt.Sprintf("Alert %s %s %d", round, sr.name, i)
			accepted, err := sr.send(title)
			if err != nil {
				b.Fatal(err)
			}
			select {
			case got := <-arrived:
				if got != title {
					b.Fatalf("alert %q arrived while waiting for %q", got, title)
				}
			case <-time.After(30 * time.Second):
				mu.Lock()
				reached := len(arrivals[title])
				mu.Unlock()
				b.Fatalf("alert %q reached %d of %d clients", title, reached, n)
			}
			mu.Lock()
			for _, at := range arrivals[title] {
				out[j] = append(out[j], at.Sub(accepted))
			}
			mu.Unlock()
		}
	}
	for _, o := range out {
		slices.Sort(o)
	}
	return out
}

func pct(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }

// BenchmarkRealtimeLatency measures, at 1,000 clients of one tenant and
// at one, the time from an alert's acceptance to its arrival: a real POST
// /v1/ingest of a security_alert to the ingestor (from its 204), and the
// direct commit of the same alert as the baseline.
func BenchmarkRealtimeLatency(b *testing.B) {
	d, s := setup(b)
	n := num(b, "MONOZU_BENCH_CLIENTS", 1000)
	alerts := num(b, "MONOZU_BENCH_ALERTS", 100)
	all := []series{{"ingest", ingestSender(b, d, s)}, {"commit", raiseSender(d.App, s.tenant)}}
	one := latencies(b, s, all, 1, alerts)
	// The single client stays connected: it is one of the many.
	many := latencies(b, s, all, n-1, alerts)
	w := os.Stdout
	fmt.Fprintf(w, "\nRealtime: alert acceptance → arrival, %d alerts per series sent one at a time, %d CPUs\n", alerts, runtime.NumCPU())
	for j, sr := range all {
		fmt.Fprintf(w, "  %-6s %-13s p50 %8s  p99 %8s\n", sr.name, "1 client", ms(pct(one[j], 50)), ms(pct(one[j], 99)))
		fmt.Fprintf(w, "  %-6s %-13s p50 %8s  p99 %8s  (%.1f× / %.1f× the direct commit at %d clients)\n", sr.name, strconv.Itoa(n)+" clients",
			ms(pct(many[j], 50)), ms(pct(many[j], 99)),
			float64(pct(many[j], 50))/float64(pct(many[1], 50)), float64(pct(many[j], 99))/float64(pct(many[1], 99)), n)
	}
	fmt.Fprintf(w, "  target: p99 < 250 ms from the ingest 204 at %d clients   %s\n\n", n, verdict(pct(many[0], 99) < targetLatencyP99))
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(pct(many[0], 50))/1e6, "p50-ms")
	b.ReportMetric(float64(pct(many[0], 99))/1e6, "p99-ms")
	b.ReportMetric(float64(pct(many[1], 99))/1e6, "commit-p99-ms")
}
