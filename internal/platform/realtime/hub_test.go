package realtime_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/realtime"
)

const allowedOrigin = "https://app.example.test"

// serve runs a hub behind a real HTTP server on loopback: /ws?tenant=&may=
// connects a client of that tenant holding the permission may.
func serve(t *testing.T, cfg realtime.Config) (*realtime.Hub, string) {
	t.Helper()
	cfg.AllowOrigins = []string{allowedOrigin}
	hub := realtime.NewHub(cfg, zerolog.Nop())
	s := httpapi.New(httpapi.Config{Service: "test", BodyLimit: 1 << 20, ReadTimeout: 5 * time.Second,
		WriteTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second, ShutdownTimeout: time.Second}, zerolog.Nop())
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/ws", Public: true, Summary: "test feed",
		Middleware: []fiber.Handler{hub.RequireOrigin()},
		Handler: func(c fiber.Ctx) error {
			tenant, err := uuid.Parse(c.Query("tenant"))
			if err != nil {
				return fiber.ErrBadRequest
			}
			may := strings.Clone(c.Query("may"))
			var until time.Time
			if c.Query("expire") != "" {
				until = time.Now().Add(100 * time.Millisecond)
			}
			return hub.Upgrade(c, realtime.Subscriber{TenantID: tenant, Until: until,
				Allows: func(p string) bool { return p == may }})
		}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.ServeListener(ctx, ln) }()
	t.Cleanup(func() {
		hub.Close()
		stop()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return hub, "ws://" + ln.Addr().String() + "/ws"
}

func dial(t *testing.T, url string, tenant uuid.UUID, may string, header http.Header) *websocket.Conn {
	t.Helper()
	conn, resp, err := dialer().Dial(url+"?tenant="+tenant.String()+"&may="+may, header)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func dialer() *websocket.Dialer { return &websocket.Dialer{HandshakeTimeout: 5 * time.Second} }

// waitClients waits until the hub has registered n clients (the server
// registers a connection just after the handshake answer).
func waitClients(t *testing.T, hub *realtime.Hub, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for hub.Stats().Clients != n {
		if time.Now().After(deadline) {
			t.Fatalf("clients = %d, want %d", hub.Stats().Clients, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func read(t *testing.T, conn *websocket.Conn) string {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, msg, err := conn.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(msg)
}

// closeCode reads until the connection ends and returns its close code.
func closeCode(t *testing.T, conn *websocket.Conn) (int, string) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code, ce.Text
			}
			t.Fatalf("connection ended without a close frame: %v", err)
		}
	}
}

func TestBroadcastReachesOnlyItsTenantsClientsThatMaySeeIt(t *testing.T) {
	hub, url := serve(t, realtime.Config{})
	tenantA, tenantB := uuid.New(), uuid.New()
	allowed := dial(t, url, tenantA, "alerts.read", nil)
	notAllowed := dial(t, url, tenantA, "other", nil)
	otherTenant := dial(t, url, tenantB, "alerts.read", nil)
	waitClients(t, hub, 3)

	if n := hub.Broadcast(tenantA, realtime.Message{Permission: "alerts.read", Data: []byte("secret of A")}); n != 1 {
		t.Fatalf("sent to %d clients, want 1", n)
	}
	hub.Broadcast(tenantA, realtime.Message{Data: []byte("for all of A")})
	hub.Broadcast(tenantB, realtime.Message{Data: []byte("for all of B")})

	if got := read(t, allowed); got != "secret of A" {
		t.Fatalf("allowed client got %q first", got)
	}
	if got := read(t, allowed); got != "for all of A" {
		t.Fatalf("allowed client got %q second", got)
	}
	// Each client's first message is the first meant for it: nothing of
	// what it may not see came before.
	if got := read(t, notAllowed); got != "for all of A" {
		t.Fatalf("client without the permission got %q", got)
	}
	if got := read(t, otherTenant); got != "for all of B" {
		t.Fatalf("client of another tenant got %q", got)
	}
}

func TestASlowClientIsDisconnectedWhileAFastOneKeepsReceiving(t *testing.T) {
	hub, url := serve(t, realtime.Config{SendQueue: 2, WriteTimeout: time.Second})
	tenant := uuid.New()
	// The slow client reads nothing, into a small socket buffer.
	slowDialer := dialer()
	slowDialer.NetDial = func(network, addr string) (net.Conn, error) {
		d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
			return c.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		}}
		return d.Dial(network, addr)
	}
	slow, _, err := slowDialer.Dial(url+"?tenant="+tenant.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = slow.Close() }()
	fast := dial(t, url, tenant, "", nil)
	waitClients(t, hub, 2)

	payload := bytes.Repeat([]byte("x"), 256<<10)
	received := 0
	for i := 0; hub.Stats().Dropped == 0; i++ {
		if i == 2000 {
			t.Fatal("the slow client was never disconnected")
		}
		hub.Broadcast(tenant, realtime.Message{Data: payload})
		// The fast client reads each message before the next is sent, as a
		// client that keeps up does.
		if got := read(t, fast); len(got) != len(payload) {
			t.Fatalf("fast client got %d bytes", len(got))
		}
		received++
	}
	waitClients(t, hub, 1)
	hub.Broadcast(tenant, realtime.Message{Data: []byte("after")})
	if got := read(t, fast); got != "after" {
		t.Fatalf("fast client got %q after the slow one left", got)
	}
	if received < 3 || hub.Stats().Dropped != 1 {
		t.Fatalf("received %d, stats %+v", received, hub.Stats())
	}
}

func TestTheServerPingsAndDropsAClientThatDoesNotAnswer(t *testing.T) {
	_, url := serve(t, realtime.Config{PingInterval: 50 * time.Millisecond, PongTimeout: 100 * time.Millisecond})
	pinged := make(chan struct{}, 10)
	answering := dial(t, url, uuid.New(), "", nil)
	answering.SetPingHandler(func(data string) error {
		pinged <- struct{}{}
		return answering.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	silent := dial(t, url, uuid.New(), "", nil)
	silent.SetPingHandler(func(string) error { return nil })

	go func() {
		for {
			if _, _, err := answering.ReadMessage(); err != nil {
				return
			}
		}
	}()
	for range 3 {
		select {
		case <-pinged:
		case <-time.After(10 * time.Second):
			t.Fatal("no ping from the server")
		}
	}
	if code, text := closeCode(t, silent); code != websocket.ClosePolicyViolation || text != "no pong in time" {
		t.Fatalf("silent client closed with %d %q", code, text)
	}
	// The answering client outlived several pong deadlines.
	if err := answering.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second)); err != nil {
		t.Fatalf("the answering client was dropped: %v", err)
	}
}

func TestOriginCheck(t *testing.T) {
	_, url := serve(t, realtime.Config{})
	tenant := uuid.New()
	for _, tc := range []struct {
		name   string
		origin string
		status int
	}{
		{"allowed origin", allowedOrigin, http.StatusSwitchingProtocols},
		{"no origin: not a browser", "", http.StatusSwitchingProtocols},
		{"another origin", "https://evil.example", http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header := http.Header{}
			if tc.origin != "" {
				header.Set("Origin", tc.origin)
			}
			conn, resp, err := dialer().Dial(url+"?tenant="+tenant.String(), header)
			if conn != nil {
				_ = conn.Close()
			}
			if resp == nil {
				t.Fatalf("no answer: %v", err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
}

func TestNotAWebSocketRequest(t *testing.T) {
	_, url := serve(t, realtime.Config{})
	resp, err := http.Get("http" + strings.TrimPrefix(url, "ws") + "?tenant=" + uuid.NewString())
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("status %d %s, want a 400 problem", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestConnectionsCloseWhenCredentialsEndAndWhenTheHubCloses(t *testing.T) {
	hub, url := serve(t, realtime.Config{})
	conn, _, err := dialer().Dial(url+"?tenant="+uuid.NewString()+"&expire=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	if code, _ := closeCode(t, conn); code != realtime.CloseCredentialsExpired {
		t.Fatalf("close code %d, want %d", code, realtime.CloseCredentialsExpired)
	}

	other := dial(t, url, uuid.New(), "", nil)
	waitClients(t, hub, 1)
	closed := make(chan struct{})
	go func() {
		hub.Close()
		close(closed)
	}()
	if code, _ := closeCode(t, other); code != websocket.CloseGoingAway {
		t.Fatalf("close code %d, want going away", code)
	}
	<-closed
	// A closed hub takes no new clients: the handshake completes, then it
	// says it is going away.
	late := dial(t, url, uuid.New(), "", nil)
	if code, _ := closeCode(t, late); code != websocket.CloseGoingAway {
		t.Fatalf("close code %d for a client of a closed hub", code)
	}
}
