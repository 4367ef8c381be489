package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/webhook"
	"github.com/monozu/monozu/migrations"
)

const (
	acceptOrigin        = "https://app.monozu.test"
	acceptWebhookSecret = "acceptance-webhook-secret-0123456789"
	acceptPassword      = "correct horse battery staple"
)

// liveServer is a `monozu serve` child process: the Cloud API and the
// ingestor on loopback ports.
type liveServer struct {
	api, ingest string
	logs        *apitest.LogBuffer
}

// startServe runs `monozu serve` on a fresh database with env added to the
// test settings, and waits until both services are ready.
func startServe(t *testing.T, env ...string) *liveServer {
	t.Helper()
	d := dbtest.New(t, migrations.Cloud())
	apiAddr, ingestAddr := apitest.FreeAddr(t), apitest.FreeAddr(t)
	s := &liveServer{api: "http://" + apiAddr, ingest: "http://" + ingestAddr, logs: &apitest.LogBuffer{}}
	cmd := exec.Command(binary(t), "serve")
	cmd.Dir = t.TempDir()
	cmd.Env = cleanEnv(append([]string{"MONOZU_ENV=test", "LOG_FORMAT=json",
		"DATABASE_URL=" + d.AppURL, "DATABASE_PLATFORM_URL=" + d.PlatformURL,
		"API_ADDR=" + apiAddr, "INGEST_ADDR=" + ingestAddr, "INGEST_PUBLIC_URL=" + s.ingest,
		"ALLOW_ORIGINS=" + acceptOrigin, "SECRET_KEY=acceptance-secret-key-0123456789abcdef",
		"CLOUD_WEBHOOK_HMAC_SECRET=" + acceptWebhookSecret}, env...)...)
	cmd.Stderr = s.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("server logs:\n%s", s.logs.String())
		}
	})
	for _, base := range []string{s.api, s.ingest} {
		eventually(t, 30*time.Second, base+" ready", func() bool {
			r, err := http.Get(base + "/readyz")
			if err != nil {
				return false
			}
			_ = r.Body.Close()
			return r.StatusCode == http.StatusOK
		})
	}
	return s
}

// reply is an HTTP answer read whole.
type reply struct {
	status int
	body   []byte
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// want fails the test unless the status is status.
func (r reply) want(t *testing.T, status int) reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

// call sends body (JSON unless it is already bytes) with headers.
func call(t *testing.T, method, u string, body any, headers map[string]string) reply {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, body: raw}
}

// person is a signed-in admin of an organisation.
type person struct {
	tenantID uuid.UUID
	bearer   map[string]string
}

// activeTenant registers an organisation, activates it with a signed
// licence push as the management plane does, and signs its admin in.
func (s *liveServer) activeTenant(t *testing.T, account string, features ...string) person {
	t.Helper()
	email := "admin@" + account + ".example.com"
	var reg struct {
		TenantID uuid.UUID `json:"tenant_id"`
	}
	call(t, "POST", s.api+"/api/v1/auth/register", map[string]string{
		"account_name": account, "organization_name": account + " Ltd", "email": email,
		"password": acceptPassword, "display_name": "Admin of " + account,
	}, nil).want(t, 201).decode(t, &reg)

	now := time.Now()
	push, err := json.Marshal(map[string]any{"event_id": "evt-" + account, "tenant_id": reg.TenantID, "status": "active",
		"plan": "standard", "features": features, "limits": map[string]int{"max_devices": 100}, "expires_at": nil,
		"grace_days": 14, "issued_at": now.UTC().Format(time.RFC3339Nano)})
	if err != nil {
		t.Fatal(err)
	}
	ts, sig := webhook.Sign([]byte(acceptWebhookSecret), now, push)
	r := call(t, "POST", s.api+"/internal/license/refresh", push,
		map[string]string{webhook.HeaderTimestamp: ts, webhook.HeaderSignature: sig}).want(t, 200)
	if !strings.Contains(string(r.body), `"outcome":"applied"`) {
		t.Fatalf("licence push: %s", r.body)
	}

	var login struct {
		AccessToken string `json:"access_token"`
	}
	call(t, "POST", s.api+"/api/v1/auth/login", map[string]string{"email": email, "password": acceptPassword}, nil).
		want(t, 200).decode(t, &login)
	return person{tenantID: reg.TenantID, bearer: map[string]string{"Authorization": "Bearer " + login.AccessToken}}
}

// countAll follows a keyset-paged list to its end and counts the items.
func countAll(t *testing.T, u string, bearer map[string]string) int {
	t.Helper()
	total, cursor := 0, ""
	for {
		page := u + "&limit=200"
		if cursor != "" {
			page += "&cursor=" + url.QueryEscape(cursor)
		}
		var p struct {
			Items      []json.RawMessage `json:"items"`
			NextCursor *string           `json:"next_cursor"`
		}
		call(t, "GET", page, nil, bearer).want(t, 200).decode(t, &p)
		total += len(p.Items)
		if p.NextCursor == nil {
			return total
		}
		cursor = *p.NextCursor
	}
}

// eventually polls cond until it holds, failing the test after timeout.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// feedAlert is one message of the security feed, as far as the test reads it.
type feedAlert struct {
	Type string `json:"type"`
	Data struct {
		ID    uuid.UUID `json:"id"`
		Title string    `json:"title"`
	} `json:"data"`
}

// openFeed connects to the security feed as a browser does (a ticket, the
// allowed Origin) and delivers its messages on the channel.
func (s *liveServer) openFeed(t *testing.T, p person) <-chan feedAlert {
	t.Helper()
	var tk struct {
		Ticket string `json:"ticket"`
	}
	call(t, "POST", s.api+"/api/v1/ws/ticket", nil, p.bearer).want(t, 200).decode(t, &tk)
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	wsURL := "ws" + strings.TrimPrefix(s.api, "http") + "/api/ws/security?ticket=" + url.QueryEscape(tk.Ticket)
	conn, resp, err := d.Dial(wsURL, http.Header{"Origin": {acceptOrigin}})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("feed: %v (status %d)", err, status)
	}
	t.Cleanup(func() { _ = conn.Close() })
	out := make(chan feedAlert, 64)
	go func() {
		defer close(out)
		for {
			_, raw, err := conn.ReadMessage()
			if err != nil {
				return
			}
			var m feedAlert
			if json.Unmarshal(raw, &m) == nil {
				out <- m
			}
		}
	}()
	return out
}

// awaitAlert reads the feed until an alert titled title arrives, failing
// after timeout; it returns when it arrived.
func awaitAlert(t *testing.T, feed <-chan feedAlert, title string, timeout time.Duration) (time.Time, bool) {
	t.Helper()
	limit := time.After(timeout)
	for {
		select {
		case m, open := <-feed:
			if !open {
				t.Fatal("the feed closed")
			}
			if m.Type == "alert" && m.Data.Title == title {
				return time.Now(), true
			}
		case <-limit:
			return time.Time{}, false
		}
	}
}

// event is one ingest event of kind at the given time.
func event(kind string, at time.Time, data map[string]any) map[string]any {
	return map[string]any{"id": uuid.NewString(), "kind": kind, "timestamp": at.UTC().Format(time.RFC3339Nano), "data": data}
}

// mixedBatch is n events a millisecond apart from at, per 20: one security
// alert, one discovery (a new MAC each), ten telemetry samples and eight
// log lines.
func mixedBatch(n int, at time.Time) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		ts := at.Add(time.Duration(i) * time.Millisecond)
		switch slot := i % 20; {
		case slot == 0:
			out[i] = event("security_alert", ts, map[string]any{"title": fmt.Sprintf("Modbus write %d", i), "severity": "high",
				"category": "ot-protocol", "source_ip": "10.9.0.7", "destination_ip": "10.1.0.20", "source_port": 40000 + i,
				"destination_port": 502, "protocol": "tcp", "description": "Function code 6 to a PLC", "signature_id": "mz-1001"})
		case slot == 1:
			out[i] = event("discovery", ts, map[string]any{"ip": fmt.Sprintf("10.2.%d.%d", i/250, i%250+1),
				"mac": fmt.Sprintf("02:00:00:00:%02x:%02x", i/256, i%256), "hostname": fmt.Sprintf("plc-%d", i),
				"open_ports": []int{102, 502}, "vendor": "Siemens", "model": "S7-1500", "protocols": []string{"modbus"}})
		case slot < 12:
			out[i] = event("telemetry", ts, map[string]any{"cpu_percent": float64(i%100) + 0.5, "memory_percent": 41.2,
				"disk_percent": 63, "uptime_s": 86400 + i, "interfaces": []map[string]any{{"name": "eth0", "rx_bytes": 1000 * i, "tx_bytes": 700 * i}}})
		default:
			out[i] = event("log", ts, map[string]any{"level": "info", "message": fmt.Sprintf("collector cycle %d", i), "source": "collector"})
		}
	}
	return out
}

// perTwenty counts the events of mixedBatch(n) whose slot (index mod 20)
// is in [from, to).
func perTwenty(n, from, to int) int {
	total := 0
	for i := 0; i < n; i++ {
		if slot := i % 20; slot >= from && slot < to {
			total++
		}
	}
	return total
}
