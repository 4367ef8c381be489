package security_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/identity"
	"github.com/monozu/monozu/internal/cloud/security"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// ticket asks for a WebSocket ticket as the session.
func ticket(t *testing.T, e *cloudtest.Env, s cloudtest.Session) identity.WSTicket {
	t.Helper()
	r := e.Do(t, "POST", "/api/v1/ws/ticket", nil, s.Bearer())
	if r.Status != 200 {
		t.Fatalf("ticket: %d %s", r.Status, r.Body)
	}
	var out identity.WSTicket
	r.JSON(t, &out)
	if out.Ticket == "" || time.Until(out.ExpiresAt) > 31*time.Second {
		t.Fatalf("ticket: %s", r.Body)
	}
	return out
}

// connect opens the feed with a query and an Origin (none when empty).
func connect(t *testing.T, addr string, query url.Values, origin string) (*websocket.Conn, int) {
	t.Helper()
	header := http.Header{}
	if origin != "" {
		header.Set("Origin", origin)
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	conn, resp, err := d.Dial("ws://"+addr+security.FeedPath+"?"+query.Encode(), header)
	if conn != nil {
		t.Cleanup(func() { _ = conn.Close() })
	}
	if resp == nil {
		t.Fatalf("no answer: %v", err)
	}
	return conn, resp.StatusCode
}

func mustConnect(t *testing.T, addr string, query url.Values) *websocket.Conn {
	t.Helper()
	conn, status := connect(t, addr, query, cloudtest.Origin)
	if status != http.StatusSwitchingProtocols {
		t.Fatalf("connect: status %d", status)
	}
	return conn
}

func waitClients(t *testing.T, e *cloudtest.Env, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for e.API.Hub.Stats().Clients != n {
		if time.Now().After(deadline) {
			t.Fatalf("clients = %d, want %d", e.API.Hub.Stats().Clients, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func nextAlert(t *testing.T, conn *websocket.Conn) security.Alert {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	_, raw, err := conn.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var m security.FeedMessage
	if err := json.Unmarshal(raw, &m); err != nil || m.Type != "alert" {
		t.Fatalf("message %s: %v", raw, err)
	}
	return m.Data
}

func TestSecurityFeed(t *testing.T) {
	e := cloudtest.New(t)
	addr := e.Serve(t)
	tenantA, a := e.ActiveTenant(t, "feed-a", rbac.FeatureSecurity)
	tenantB, b := e.ActiveTenant(t, "feed-b", rbac.FeatureSecurity)
	_, noModule := e.ActiveTenant(t, "feed-c")
	reader := e.UserInGroup(t, tenantA, "reader@feed-a.example.com", "read_only")
	noRead := e.UserWithPermissions(t, tenantA, "cmdb@feed-a.example.com", "assets.read")

	tk := ticket(t, e, a)
	clientA := mustConnect(t, addr, url.Values{"ticket": {tk.Ticket}})
	clientB := mustConnect(t, addr, url.Values{"token": {b.Access}})
	waitClients(t, e, 2)

	t.Run("an alert reaches its tenant's clients only", func(t *testing.T) {
		raised := raise(t, e, tenantA, "Modbus write to PLC", "critical", time.Now(), nil)
		if got := nextAlert(t, clientA); got.ID != raised.ID || got.Title != raised.Title || got.Severity != "critical" ||
			got.Status != "new" || *got.SourceIP != "10.0.0.7" {
			t.Fatalf("tenant A got %+v, want %+v", got, raised)
		}
		ofB := raise(t, e, tenantB, "B's own alert", "low", time.Now(), nil)
		// B's first message is its own alert: A's never reached it.
		if got := nextAlert(t, clientB); got.ID != ofB.ID {
			t.Fatalf("tenant B got %+v first, want its own alert", got)
		}
	})
	t.Run("the feed sends what the API answers", func(t *testing.T) {
		raised := raise(t, e, tenantA, "Same shape", "info", time.Now(), nil)
		got := nextAlert(t, clientA)
		r := e.Do(t, "GET", alertsURL+"/"+raised.ID.String(), nil, a.Bearer())
		var fromAPI security.Alert
		r.JSON(t, &fromAPI)
		pushed, _ := json.Marshal(got)
		listed, _ := json.Marshal(fromAPI)
		if string(pushed) != string(listed) {
			t.Fatalf("pushed %s\nAPI     %s", pushed, listed)
		}
	})

	for _, tc := range []struct {
		name   string
		query  url.Values
		origin string
		status int
	}{
		{"a ticket works once", url.Values{"ticket": {tk.Ticket}}, cloudtest.Origin, http.StatusUnauthorized},
		{"a forged ticket", url.Values{"ticket": {"Zm9yZ2Vk"}}, cloudtest.Origin, http.StatusUnauthorized},
		{"an access token is not a ticket", url.Values{"ticket": {a.Access}}, cloudtest.Origin, http.StatusUnauthorized},
		{"a bad token", url.Values{"token": {"nope"}}, cloudtest.Origin, http.StatusUnauthorized},
		{"no credentials", url.Values{}, cloudtest.Origin, http.StatusUnauthorized},
		{"another origin", url.Values{"token": {a.Access}}, "https://evil.example", http.StatusForbidden},
		{"a token without an origin (not a browser)", url.Values{"token": {a.Access}}, "", http.StatusSwitchingProtocols},
		{"a reader (security.read)", url.Values{"token": {reader.Access}}, cloudtest.Origin, http.StatusSwitchingProtocols},
		{"a user without security.read", url.Values{"token": {noRead.Access}}, cloudtest.Origin, http.StatusForbidden},
		{"a tenant without the security module", url.Values{"token": {noModule.Access}}, cloudtest.Origin, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, status := connect(t, addr, tc.query, tc.origin)
			if status != tc.status {
				t.Fatalf("status %d, want %d", status, tc.status)
			}
			if conn != nil {
				_ = conn.Close()
			}
		})
	}
	t.Run("a bad origin does not spend the ticket", func(t *testing.T) {
		fresh := ticket(t, e, a)
		if _, status := connect(t, addr, url.Values{"ticket": {fresh.Ticket}}, "https://evil.example"); status != http.StatusForbidden {
			t.Fatalf("status %d", status)
		}
		mustConnect(t, addr, url.Values{"ticket": {fresh.Ticket}})
	})
	t.Run("expired redemptions are cleaned up", func(t *testing.T) {
		n, err := identity.NewTicketCleanup(e.DB.Platform).Run(context.Background(), time.Now().Add(time.Minute))
		if err != nil || n != 2 {
			t.Fatalf("cleanup deleted %d: %v; want the 2 redeemed tickets", n, err)
		}
	})
}

func TestAnExpiredTicketIsRefused(t *testing.T) {
	e := cloudtest.New(t, func(d *cloud.Deps) { d.Auth.WSTicketTTL = time.Millisecond })
	addr := e.Serve(t)
	_, a := e.ActiveTenant(t, "feed-expired", rbac.FeatureSecurity)
	tk := ticket(t, e, a)
	time.Sleep(5 * time.Millisecond) // past its lifetime
	if _, status := connect(t, addr, url.Values{"ticket": {tk.Ticket}}, cloudtest.Origin); status != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", status)
	}
}

func TestWithoutAListenURLTheFeedIsNotServed(t *testing.T) {
	e := cloudtest.New(t, func(d *cloud.Deps) { d.ListenURL = "" })
	_, a := e.ActiveTenant(t, "feed-off", rbac.FeatureSecurity)
	if r := e.Do(t, "GET", security.FeedPath, nil, a.Bearer()); r.Status != http.StatusNotFound {
		t.Fatalf("status %d, want 404", r.Status)
	}
}
