package main_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestEdgeAcceptance walks the acceptance points of the edge fleet and
// ingest issue against the real `monozu serve`, over HTTP and WebSocket
// only, as an organisation's admins and their devices would.
func TestEdgeAcceptance(t *testing.T) {
	s := startServe(t, "EDGE_COMMAND_LEASE=2s", "AUTH_RATE_LIMIT_PER_MINUTE=1000")
	a := s.activeTenant(t, "accept-a", "security")
	b := s.activeTenant(t, "accept-b", "security")
	api := s.api + "/api/v1"

	var site struct {
		ID uuid.UUID `json:"id"`
	}
	call(t, "POST", api+"/sites", map[string]any{"name": "Plant A"}, a.bearer).want(t, 201).decode(t, &site)

	type key struct {
		ID  uuid.UUID `json:"id"`
		Key string    `json:"key"`
	}
	newKey := func(p person, body map[string]any) key {
		var k key
		call(t, "POST", api+"/edge/keys", body, p.bearer).want(t, 201).decode(t, &k)
		return k
	}
	register := func(account, name, provisioning string) reply {
		return call(t, "POST", api+"/devices/register", map[string]any{"account_name": account, "name": name,
			"hostname": name, "agent_version": "1.2.0", "os": "linux", "arch": "arm64"},
			map[string]string{"X-Provisioning-Key": provisioning})
	}
	type device struct {
		ID  uuid.UUID `json:"device_id"`
		Key string    `json:"device_key"`
	}
	var first, second device
	keyA := newKey(a, map[string]any{"label": "plant a", "max_uses": 2, "site_id": site.ID})

	t.Run("a key of two uses registers two devices, then the same 401 as any wrong credential", func(t *testing.T) {
		register("accept-a", "gw-1", keyA.Key).want(t, 201).decode(t, &first)
		register("accept-a", "gw-2", keyA.Key).want(t, 201).decode(t, &second)
		if first.Key == "" || second.Key == "" || first.ID == second.ID {
			t.Fatalf("devices %+v %+v", first, second)
		}
		spare := newKey(a, map[string]any{"label": "spare"})
		type problem struct {
			Status int    `json:"status"`
			Code   string `json:"code"`
			Title  string `json:"title"`
			Detail string `json:"detail"`
		}
		var exhausted, wrongAccount, wrongKey problem
		register("accept-a", "gw-3", keyA.Key).want(t, 401).decode(t, &exhausted)
		register("no-such-account", "gw-3", spare.Key).want(t, 401).decode(t, &wrongAccount)
		register("accept-a", "gw-3", "prov_not-a-key-of-anyone-0000000000000000").want(t, 401).decode(t, &wrongKey)
		if exhausted.Code != "invalid_registration" || exhausted != wrongAccount || exhausted != wrongKey {
			t.Fatalf("answers differ: exhausted %+v, wrong account %+v, wrong key %+v", exhausted, wrongAccount, wrongKey)
		}
	})

	deviceKey := func(d device) map[string]string { return map[string]string{"X-Device-Key": d.Key} }
	ingest := func(d device, events any) reply { return call(t, "POST", s.ingest+"/v1/ingest", events, deviceKey(d)) }
	type stored struct{ telemetry, logs, alerts int }
	from := url.QueryEscape(time.Now().Add(-3 * time.Hour).UTC().Format(time.RFC3339))
	counts := func() stored {
		var tel struct {
			Buckets []struct {
				Samples int `json:"samples"`
			} `json:"buckets"`
		}
		call(t, "GET", api+"/devices/"+first.ID.String()+"/telemetry?from="+from, nil, a.bearer).want(t, 200).decode(t, &tel)
		var got stored
		for _, bk := range tel.Buckets {
			got.telemetry += bk.Samples
		}
		got.logs = countAll(t, api+"/devices/"+first.ID.String()+"/logs?level=debug&from="+from, a.bearer)
		got.alerts = countAll(t, api+"/security/alerts?from="+from, a.bearer)
		return got
	}
	const n = 1000
	batch := mixedBatch(n, time.Now().Add(-time.Hour))
	want := stored{telemetry: perTwenty(n, 2, 12), logs: perTwenty(n, 12, 20), alerts: perTwenty(n, 0, 1)}

	t.Run("a 1,000-event batch is stored once, however often it is sent", func(t *testing.T) {
		ingest(first, batch).want(t, 204)
		if got := counts(); got != want {
			t.Fatalf("stored %+v, want %+v", got, want)
		}
		ingest(first, batch).want(t, 204)
		if got := counts(); got != want {
			t.Fatalf("after the replay: stored %+v, want %+v", got, want)
		}
	})

	t.Run("a batch with one bad event is refused whole, naming it", func(t *testing.T) {
		bad := mixedBatch(n, time.Now().Add(-30*time.Minute))
		bad[7]["data"] = map[string]any{"cpu_percent": 140}
		bad[7]["kind"] = "telemetry"
		var p struct {
			Code   string `json:"code"`
			Events []struct {
				Index int    `json:"index"`
				Field string `json:"field"`
			} `json:"events"`
		}
		ingest(first, bad).want(t, 400).decode(t, &p)
		if p.Code != "invalid_events" || len(p.Events) != 1 || p.Events[0].Index != 7 {
			t.Fatalf("problem %+v", p)
		}
		if got := counts(); got != want {
			t.Fatalf("after the refused batch: stored %+v, want %+v", got, want)
		}
	})

	t.Run("an alert reaches its organisation's browsers within a second, and no other's", func(t *testing.T) {
		feedA, feedB := s.openFeed(t, a), s.openFeed(t, b)
		alert := func(d device, title string) {
			ingest(d, []any{event("security_alert", time.Now(), map[string]any{"title": title, "severity": "critical"})}).want(t, 204)
		}
		// The feed counts a client once its connection has joined the hub;
		// warm-up alerts show that it has.
		joined := false
		for i := 0; i < 10 && !joined; i++ {
			title := "warm-up " + uuid.NewString()
			alert(first, title)
			_, joined = awaitAlert(t, feedA, title, 2*time.Second)
		}
		if !joined {
			t.Fatal("tenant A's feed never delivered an alert")
		}
		title := "Measured " + uuid.NewString()
		sent := time.Now()
		alert(first, title)
		accepted := time.Now()
		got, ok := awaitAlert(t, feedA, title, time.Second)
		if !ok {
			t.Fatal("tenant A's browser did not get the alert within a second of its acceptance")
		}
		t.Logf("alert latency: %s from the 204 (%s from sending the batch)", max(0, got.Sub(accepted)), got.Sub(sent))

		// B's device raises B's own alert a little later: B's first message
		// must be it, so none of A's alerts reached B.
		var deviceB device
		register("accept-b", "gw-b", newKey(b, map[string]any{"label": "b"}).Key).want(t, 201).decode(t, &deviceB)
		time.Sleep(300 * time.Millisecond)
		alert(deviceB, "B's own")
		select {
		case m := <-feedB:
			if m.Data.Title != "B's own" {
				t.Fatalf("tenant B got %+v", m)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("tenant B's feed delivered nothing, not even its own alert")
		}
	})

	t.Run("a discovery of an unknown MAC lands in the review queue", func(t *testing.T) {
		mac := "02:aa:bb:cc:dd:ee"
		ingest(first, []any{event("discovery", time.Now(), map[string]any{"ip": "10.3.0.9", "mac": mac,
			"hostname": "unknown-rtu-9", "vendor": "Moxa"})}).want(t, 204)
		eventually(t, 30*time.Second, "the discovered asset", func() bool {
			var p struct {
				Items []struct {
					MACs      []string `json:"mac_addresses"`
					Lifecycle string   `json:"lifecycle"`
				} `json:"items"`
			}
			call(t, "GET", api+"/discovered?q=unknown-rtu-9&site_id="+site.ID.String(), nil, a.bearer).want(t, 200).decode(t, &p)
			return len(p.Items) == 1 && slices.Contains(p.Items[0].MACs, mac) && p.Items[0].Lifecycle == "discovered"
		})
	})

	type command struct {
		ID            uuid.UUID       `json:"id"`
		Status        string          `json:"status"`
		DeliveryCount int             `json:"delivery_count"`
		Result        json.RawMessage `json:"result"`
	}
	issue := func(body map[string]any) command {
		var c command
		call(t, "POST", api+"/devices/"+first.ID.String()+"/commands", body, a.bearer).want(t, 201).decode(t, &c)
		return c
	}
	poll := func(d device) []uuid.UUID {
		var due []command
		call(t, "GET", api+"/commands", nil, deviceKey(d)).want(t, 200).decode(t, &due)
		var ids []uuid.UUID
		for _, c := range due {
			ids = append(ids, c.ID)
		}
		return ids
	}
	history := func(id uuid.UUID) command {
		var c command
		call(t, "GET", api+"/devices/"+first.ID.String()+"/commands/"+id.String(), nil, a.bearer).want(t, 200).decode(t, &c)
		return c
	}

	t.Run("commands: delivered once per lease, never after expiry, acknowledged with a result", func(t *testing.T) {
		ping := issue(map[string]any{"type": "ping", "payload": map[string]any{"target": "10.0.10.1"}})
		if got := poll(first); !slices.Contains(got, ping.ID) {
			t.Fatalf("first poll %v lacks %s", got, ping.ID)
		}
		if got := poll(first); slices.Contains(got, ping.ID) {
			t.Fatalf("the second poll delivered it again within its lease: %v", got)
		}
		eventually(t, 20*time.Second, "redelivery after the lease", func() bool { return slices.Contains(poll(first), ping.ID) })
		if c := history(ping.ID); c.DeliveryCount != 2 || c.Status != "delivered" {
			t.Fatalf("after the redelivery: %+v", c)
		}

		short := issue(map[string]any{"type": "ping", "payload": map[string]any{"target": "10.0.10.2"}, "expires_in_s": 1})
		time.Sleep(1500 * time.Millisecond)
		if got := poll(first); slices.Contains(got, short.ID) {
			t.Fatalf("an expired command was delivered: %v", got)
		}
		if c := history(short.ID); c.Status != "expired" || c.DeliveryCount != 0 {
			t.Fatalf("the short command: %+v", c)
		}

		call(t, "POST", api+"/commands/"+ping.ID.String()+"/ack",
			map[string]any{"status": "completed", "result": map[string]any{"rtt_ms": 3.2}}, deviceKey(first)).want(t, 200)
		var list struct {
			Items []command `json:"items"`
		}
		call(t, "GET", api+"/devices/"+first.ID.String()+"/commands", nil, a.bearer).want(t, 200).decode(t, &list)
		i := slices.IndexFunc(list.Items, func(c command) bool { return c.ID == ping.ID })
		if i < 0 || list.Items[i].Status != "completed" || string(list.Items[i].Result) != `{"rtt_ms":3.2}` {
			t.Fatalf("history: %+v", list.Items)
		}
	})

	t.Run("a deregistered device's key is refused", func(t *testing.T) {
		ingest(second, []any{event("log", time.Now(), map[string]any{"level": "info", "message": "still here"})}).want(t, 204)
		call(t, "DELETE", api+"/devices/"+second.ID.String(), nil, a.bearer).want(t, 204)
		eventually(t, 6*time.Second, "ingest refusing the key", func() bool {
			return ingest(second, []any{event("log", time.Now(), map[string]any{"level": "info", "message": "gone"})}).status == 401
		})
		call(t, "GET", api+"/commands", nil, deviceKey(second)).want(t, 401)
	})

	t.Run("another organisation sees none of it", func(t *testing.T) {
		var alerts struct {
			Items []struct {
				ID uuid.UUID `json:"id"`
			} `json:"items"`
		}
		call(t, "GET", api+"/security/alerts?limit=1", nil, a.bearer).want(t, 200).decode(t, &alerts)
		if len(alerts.Items) != 1 {
			t.Fatal("tenant A has no alerts")
		}
		dev := api + "/devices/" + first.ID.String()
		for _, tc := range []struct{ method, url string }{
			{"GET", dev},
			{"GET", dev + "/telemetry"},
			{"GET", dev + "/commands"},
			{"DELETE", dev},
			{"GET", api + "/security/alerts/" + alerts.Items[0].ID.String()},
			{"GET", api + "/edge/keys/" + keyA.ID.String()},
			{"DELETE", api + "/edge/keys/" + keyA.ID.String()},
		} {
			if r := call(t, tc.method, tc.url, nil, b.bearer); r.status != 404 {
				t.Errorf("%s %s as tenant B: %d %s", tc.method, tc.url, r.status, r.body)
			}
		}
		call(t, "GET", dev, nil, a.bearer).want(t, 200)
	})
}
