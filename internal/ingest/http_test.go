package ingest_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/monozu/monozu/internal/cloud/security"
	"github.com/monozu/monozu/internal/ingest"
	"github.com/monozu/monozu/internal/ingest/ingesttest"
	"github.com/monozu/monozu/internal/platform/events"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/rbac"
)

func event(kind ingest.Kind, at time.Time, data any) ingest.Event {
	raw, _ := json.Marshal(data)
	return ingest.Event{ID: uuid.NewString(), Kind: kind, Timestamp: at.Format(time.RFC3339Nano), Data: raw}
}

func TestIngest(t *testing.T) {
	w := newWorld(t)
	acme := w.tenant(t, "acme", rbac.FeatureBackup, rbac.FeatureSecurity)
	globex := w.tenant(t, "globex")
	now := time.Now().UTC()
	n := 1000
	want := counts{events: n, telemetry: ingesttest.Count(n, ingest.KindTelemetry), logs: ingesttest.Count(n, ingest.KindLog),
		alerts: ingesttest.Count(n, ingest.KindSecurityAlert), domainEvents: ingesttest.Count(n, ingest.KindSecurityAlert), jobs: 1}

	t.Run("stored", func(t *testing.T) {
		for _, tc := range []struct {
			name    string
			gzip    bool
			replays int
			first   int // events of the batch sent alone before it
		}{
			{name: "a 1,000-event mixed batch"},
			{name: "the same batch replayed twice stores nothing new", replays: 2},
			{name: "a batch whose first 333 events were stored before", first: 333},
			{name: "a gzip batch", gzip: true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				d := w.device(t, acme, &acme.site)
				batch := ingesttest.Mixed(n, now.Add(-time.Hour))
				if tc.first > 0 {
					if r := post(t, w.base, d.key, encode(t, batch[:tc.first]), nil); r.status != http.StatusNoContent {
						t.Fatalf("first part: %d %s", r.status, r.body)
					}
				}
				body := encode(t, batch)
				headers := map[string]string{}
				if tc.gzip {
					body, headers["Content-Encoding"] = gzipped(t, body), "gzip"
				}
				for i := 0; i <= tc.replays; i++ {
					if r := post(t, w.base, d.key, body, headers); r.status != http.StatusNoContent {
						t.Fatalf("post %d: %d %s", i, r.status, r.body)
					}
					wantNow := want
					if tc.first > 0 {
						wantNow.jobs = 2 // the first part's discovery, and the rest's
					}
					if got := w.counts(t, d); got != wantNow {
						t.Fatalf("after post %d: stored %+v, want %+v", i, got, wantNow)
					}
				}
				// The newest sample becomes the device's latest with the
				// next write of last-seen times.
				if err := w.api.Seen.Flush(context.Background()); err != nil {
					t.Fatal(err)
				}
				var latest *time.Time
				if err := w.admin.QueryRow(`SELECT latest_telemetry_at FROM edge_devices WHERE id = $1`, d.id).Scan(&latest); err != nil || latest == nil {
					t.Fatalf("latest telemetry at = %v, %v", latest, err)
				}
			})
		}
	})

	t.Run("bad request", func(t *testing.T) {
		d := w.device(t, acme, &acme.site)
		for _, tc := range []struct {
			name         string
			index        int
			field        string
			spoil        func(e *ingest.Event)
			wantProblems int
		}{
			{name: "cpu over 100", index: 5, field: "data.cpu_percent", spoil: func(e *ingest.Event) {
				*e = event(ingest.KindTelemetry, now, map[string]any{"cpu_percent": 140})
			}},
			{name: "unknown kind", index: 0, field: "kind", spoil: func(e *ingest.Event) { e.Kind = "weather" }},
			{name: "not a uuid", index: 17, field: "id", spoil: func(e *ingest.Event) { e.ID = "17" }},
			{name: "two days ahead", index: 999, field: "timestamp", spoil: func(e *ingest.Event) {
				e.Timestamp = now.Add(48 * time.Hour).Format(time.RFC3339)
			}},
			{name: "bad severity", index: 0, field: "data.severity", spoil: func(e *ingest.Event) {
				*e = event(ingest.KindSecurityAlert, now, map[string]any{"title": "x", "severity": "apocalyptic"})
			}},
			{name: "bad source ip", index: 3, field: "data.source_ip", spoil: func(e *ingest.Event) {
				*e = event(ingest.KindSecurityAlert, now, map[string]any{"title": "x", "severity": "low", "source_ip": "10.0.0.300"})
			}},
			{name: "port out of range", index: 3, field: "data.destination_port", spoil: func(e *ingest.Event) {
				*e = event(ingest.KindSecurityAlert, now, map[string]any{"title": "x", "severity": "low", "destination_port": 70000})
			}},
			{name: "wrong type", index: 8, field: "data.message", spoil: func(e *ingest.Event) {
				*e = event(ingest.KindLog, now, map[string]any{"level": "info", "message": 42})
			}},
			{name: "unknown field", index: 8, field: "data.colour", spoil: func(e *ingest.Event) {
				*e = event(ingest.KindLog, now, map[string]any{"level": "info", "message": "m", "colour": "red"})
			}},
			{name: "discovery without address", index: 1, field: "data.ip", spoil: func(e *ingest.Event) {
				*e = event(ingest.KindDiscovery, now, map[string]any{"hostname": "x"})
			}},
			{name: "duplicate id", index: 2, field: "id", spoil: func(e *ingest.Event) {}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				batch := ingesttest.Mixed(n, now.Add(-time.Minute))
				if tc.name == "duplicate id" {
					batch[2].ID = batch[1].ID
				} else {
					tc.spoil(&batch[tc.index])
				}
				r := post(t, w.base, d.key, encode(t, batch), nil)
				if r.status != http.StatusBadRequest {
					t.Fatalf("status %d %s", r.status, r.body)
				}
				p := r.problem(t)
				bad, _ := p["events"].([]any)
				if p["code"] != "invalid_events" || len(bad) != 1 {
					t.Fatalf("problem %s", r.body)
				}
				got := bad[0].(map[string]any)
				if got["index"] != float64(tc.index) || got["field"] != tc.field || got["reason"] == "" {
					t.Fatalf("bad event %v, want index %d field %s", got, tc.index, tc.field)
				}
				if c := w.counts(t, d); c != (counts{}) {
					t.Fatalf("stored %+v after a refused batch", c)
				}
			})
		}
		for name, body := range map[string]string{
			"not json": "[{", "an object": `{"id": 1}`, "trailing data": "[] []",
		} {
			t.Run(name, func(t *testing.T) {
				if r := post(t, w.base, d.key, []byte(body), nil); r.status != http.StatusBadRequest {
					t.Fatalf("status %d %s", r.status, r.body)
				}
			})
		}
	})

	t.Run("too large", func(t *testing.T) {
		d := w.device(t, acme, &acme.site)
		spaces := append(append([]byte("["), bytes.Repeat([]byte(" "), ingest.MaxBodyBytes)...), ']')
		for _, tc := range []struct {
			name    string
			body    []byte
			headers map[string]string
		}{
			{name: "over 10 MiB after decompression", body: gzipped(t, spaces), headers: map[string]string{"Content-Encoding": "gzip"}},
			{name: "over 10 MiB raw", body: spaces},
			{name: "over 10,000 events", body: encode(t, ingesttest.Mixed(ingest.MaxEvents+1, now.Add(-time.Hour)))},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if r := post(t, w.base, d.key, tc.body, tc.headers); r.status != http.StatusRequestEntityTooLarge {
					t.Fatalf("status %d %s", r.status, r.body)
				}
				if c := w.counts(t, d); c != (counts{}) {
					t.Fatalf("stored %+v", c)
				}
			})
		}
	})

	t.Run("unauthenticated", func(t *testing.T) {
		revoked := w.device(t, acme, &acme.site)
		if r := post(t, w.base, revoked.key, []byte("[]"), nil); r.status != http.StatusNoContent {
			t.Fatalf("before revoking: %d %s", r.status, r.body)
		}
		if _, err := w.admin.Exec(`UPDATE edge_devices SET key_hash = NULL, deregistered_at = now() WHERE id = $1`, revoked.id); err != nil {
			t.Fatal(err)
		}
		w.api.Keys.Forget(revoked.id) // what a deregistration in this process does
		other, _ := ingesttest.DeviceKey()
		for name, key := range map[string]string{"no key": "", "unknown key": other, "revoked key": revoked.key, "not a device key": "prov_abc"} {
			t.Run(name, func(t *testing.T) {
				r := post(t, w.base, key, encode(t, ingesttest.Mixed(3, now)), nil)
				if r.status != http.StatusUnauthorized || r.problem(t)["code"] != "invalid_device_key" {
					t.Fatalf("status %d %s", r.status, r.body)
				}
			})
		}
	})

	t.Run("forbidden", func(t *testing.T) {
		suspended := w.tenant(t, "initech", rbac.FeatureBackup)
		ds := w.device(t, suspended, nil)
		if _, err := w.admin.Exec(`UPDATE tenants SET status = 'suspended' WHERE id = $1`, suspended.id); err != nil {
			t.Fatal(err)
		}
		unlicensed := w.device(t, globex, &globex.site)
		backup := []ingest.Event{event(ingest.KindLog, now, map[string]any{"level": "info", "message": "m"}),
			event(ingest.KindBackupEvent, now, map[string]any{"job_id": uuid.NewString(), "status": "running"})}
		for _, tc := range []struct {
			name string
			d    device
			body []byte
			code string
		}{
			{name: "suspended organisation", d: ds, body: encode(t, ingesttest.Mixed(3, now)), code: "tenant_suspended"},
			{name: "backup event without the backup module", d: unlicensed, body: encode(t, backup), code: "feature_disabled"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := post(t, w.base, tc.d.key, tc.body, nil)
				if r.status != http.StatusForbidden || r.problem(t)["code"] != tc.code {
					t.Fatalf("status %d %s", r.status, r.body)
				}
				if c := w.counts(t, tc.d); c != (counts{}) {
					t.Fatalf("stored %+v", c)
				}
			})
		}
	})

	t.Run("unsupported media type", func(t *testing.T) {
		d := w.device(t, acme, &acme.site)
		for name, h := range map[string]map[string]string{
			"text body": {"Content-Type": "text/plain"}, "brotli": {"Content-Encoding": "br"},
		} {
			t.Run(name, func(t *testing.T) {
				if r := post(t, w.base, d.key, []byte("[]"), h); r.status != http.StatusUnsupportedMediaType {
					t.Fatalf("status %d %s", r.status, r.body)
				}
			})
		}
	})

	t.Run("rate limited", func(t *testing.T) {
		_, base := w.startIngest(t, 2)
		d := w.device(t, acme, &acme.site)
		for i := 0; i < 2; i++ {
			if r := post(t, base, d.key, []byte("[]"), nil); r.status != http.StatusNoContent {
				t.Fatalf("request %d: %d %s", i, r.status, r.body)
			}
		}
		r := post(t, base, d.key, encode(t, ingesttest.Mixed(3, now)), nil)
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
			t.Fatalf("status %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
		}
		if other := w.device(t, acme, &acme.site); post(t, base, other.key, []byte("[]"), nil).status != http.StatusNoContent {
			t.Fatal("another device of the same organisation is limited too")
		}
	})

	t.Run("cross-tenant", func(t *testing.T) {
		plc := w.create(t, acme, "/api/v1/assets", map[string]any{"name": "PLC-7", "category": "ot", "type": "plc",
			"site_id": acme.site, "ip_addresses": []string{"10.7.0.7"}})
		otherSite := w.create(t, acme, "/api/v1/sites", map[string]any{"name": "acme warehouse"})
		w.create(t, acme, "/api/v1/assets", map[string]any{"name": "PLC-8", "category": "ot", "type": "plc",
			"site_id": otherSite, "ip_addresses": []string{"10.7.0.8"}})
		globexPLC := w.create(t, globex, "/api/v1/assets", map[string]any{"name": "PLC-G", "category": "ot", "type": "plc",
			"site_id": globex.site, "ip_addresses": []string{"10.7.0.7"}})
		alert := func(ip string) ingest.Event {
			return event(ingest.KindSecurityAlert, now, map[string]any{"title": "scan", "severity": "medium", "asset_ip": ip})
		}
		for _, tc := range []struct {
			name   string
			tn     tenant
			events []ingest.Event
			want   map[string]*uuid.UUID // alert asset by asset_ip
		}{
			{name: "an acme device resolves its own site's asset only", tn: acme,
				events: []ingest.Event{alert("10.7.0.7"), alert("10.7.0.8")}, want: map[string]*uuid.UUID{"10.7.0.7": &plc, "10.7.0.8": nil}},
			{name: "a globex device resolves globex's asset, never acme's", tn: globex,
				events: []ingest.Event{alert("10.7.0.7"), alert("10.7.0.8")}, want: map[string]*uuid.UUID{"10.7.0.7": &globexPLC, "10.7.0.8": nil}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				d := w.device(t, tc.tn, &tc.tn.site)
				if r := post(t, w.base, d.key, encode(t, tc.events), nil); r.status != http.StatusNoContent {
					t.Fatalf("status %d %s", r.status, r.body)
				}
				rows, err := w.admin.Query(`SELECT a.tenant_id, host((e.data->>'asset_ip')::inet), a.asset_id
					FROM security_alerts a JOIN ingest_events e ON e.tenant_id = a.tenant_id AND e.id = a.event_id
					WHERE a.device_id = $1`, d.id)
				if err != nil {
					t.Fatal(err)
				}
				defer func() { _ = rows.Close() }()
				seen := 0
				for rows.Next() {
					var tenantID uuid.UUID
					var ip string
					var asset *uuid.UUID
					if err := rows.Scan(&tenantID, &ip, &asset); err != nil {
						t.Fatal(err)
					}
					seen++
					if tenantID != tc.tn.id {
						t.Errorf("alert stored in tenant %s, want %s", tenantID, tc.tn.id)
					}
					if want := tc.want[ip]; (want == nil) != (asset == nil) || (want != nil && *want != *asset) {
						t.Errorf("alert for %s has asset %v, want %v", ip, asset, want)
					}
				}
				if seen != len(tc.events) {
					t.Fatalf("%d alerts stored, want %d", seen, len(tc.events))
				}
			})
		}
		t.Run("the tenant comes from the key only", func(t *testing.T) {
			d := w.device(t, globex, &globex.site)
			var batch []ingest.Event
			for _, e := range ingesttest.Mixed(40, now) {
				if e.Kind != ingest.KindBackupEvent { // globex has no backup module
					batch = append(batch, e)
				}
			}
			body := encode(t, batch)
			// A body cannot name a tenant or device: extra top-level fields are ignored, the key decides.
			body = bytes.Replace(body, []byte(`{"id"`), fmt.Appendf(nil, `{"tenant_id":%q,"device_id":%q,"id"`, acme.id, acme.id), 1)
			if r := post(t, w.base, d.key, body, nil); r.status != http.StatusNoContent {
				t.Fatalf("status %d %s", r.status, r.body)
			}
			var inAcme, inGlobex int
			if err := w.admin.QueryRow(`SELECT count(*) FILTER (WHERE tenant_id = $1), count(*) FILTER (WHERE tenant_id = $2)
				FROM ingest_events WHERE device_id = $3`, acme.id, globex.id, d.id).Scan(&inAcme, &inGlobex); err != nil {
				t.Fatal(err)
			}
			if inAcme != 0 || inGlobex != len(batch) {
				t.Fatalf("events in acme %d, in globex %d", inAcme, inGlobex)
			}
		})
	})

	t.Run("discovery", func(t *testing.T) {
		d := w.device(t, acme, &acme.site)
		mac := "02:aa:bb:cc:dd:01"
		batch := []ingest.Event{event(ingest.KindDiscovery, now, map[string]any{"ip": "10.3.0.9", "mac": mac, "hostname": "hmi-9",
			"open_ports": []int{80, 502}, "vendor": "Acme Automation", "protocols": []string{"modbus", "http"}})}
		if r := post(t, w.base, d.key, encode(t, batch), nil); r.status != http.StatusNoContent {
			t.Fatalf("status %d %s", r.status, r.body)
		}
		waitFor(t, "the discovered device in the review queue", func() (bool, error) {
			r := w.env.Do(t, http.MethodGet, "/api/v1/discovered", nil, acme.session.Bearer())
			return r.Status == http.StatusOK && strings.Contains(string(r.Body), mac), nil
		})
		t.Run("from a device without a site: a device log line instead", func(t *testing.T) {
			loose := w.device(t, acme, nil)
			if r := post(t, w.base, loose.key, encode(t, batch[:1]), nil); r.status != http.StatusNoContent {
				t.Fatalf("status %d %s", r.status, r.body)
			}
			var lines int
			if err := w.admin.QueryRow(`SELECT count(*) FROM edge_device_logs WHERE device_id = $1 AND source = 'ingest'`, loose.id).Scan(&lines); err != nil || lines != 1 {
				t.Fatalf("ingest log lines = %d, %v", lines, err)
			}
			// The discovery event and the ingestor's line about it, which
			// is a log event of the device.
			if c := w.counts(t, loose); c.jobs != 0 || c.events != 2 || c.logs != 1 {
				t.Fatalf("stored %+v", c)
			}
		})
	})

	t.Run("alerts are announced once per batch", func(t *testing.T) {
		ctx := context.Background()
		listener, err := pgx.Connect(ctx, w.env.DB.AdminURL)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = listener.Close(ctx) }()
		if _, err := listener.Exec(ctx, "LISTEN "+events.Channel); err != nil {
			t.Fatal(err)
		}
		d := w.device(t, acme, &acme.site)
		var batch []ingest.Event
		for i := 0; i < 3; i++ {
			batch = append(batch, event(ingest.KindSecurityAlert, now, map[string]any{"title": fmt.Sprint("alert ", i), "severity": "critical"}))
		}
		batch = append(batch, ingesttest.Mixed(20, now)...)
		body := encode(t, batch)
		for round, wantAlerts := range []int{4, 4} { // the second round is a replay
			if r := post(t, w.base, d.key, body, nil); r.status != http.StatusNoContent {
				t.Fatalf("status %d %s", r.status, r.body)
			}
			notes := notificationsUntilSentinel(t, w, listener, fmt.Sprint("sentinel-", round))
			wantNotes := 1
			if round == 1 {
				wantNotes = 0
			}
			if len(notes) != wantNotes {
				t.Fatalf("round %d: %d notifications, want %d: %v", round, len(notes), wantNotes, notes)
			}
			if c := w.counts(t, d); c.alerts != wantAlerts || c.domainEvents != wantAlerts {
				t.Fatalf("round %d: stored %+v, want %d alerts and events", round, c, wantAlerts)
			}
			if round == 0 {
				var note events.Notification
				if err := json.Unmarshal([]byte(notes[0]), &note); err != nil {
					t.Fatal(err)
				}
				if note.TenantID != acme.id || note.Type != security.EventAlertRaised || note.Seq-note.FromSeq != int64(wantAlerts-1) {
					t.Fatalf("notification %+v", note)
				}
				var raw []byte
				if err := w.admin.QueryRow(`SELECT payload FROM domain_events WHERE tenant_id = $1 AND seq = $2`, acme.id, note.FromSeq).
					Scan(&raw); err != nil {
					t.Fatal(err)
				}
				var payload map[string]any
				if err := json.Unmarshal(raw, &payload); err != nil {
					t.Fatal(err)
				}
				for _, k := range []string{"id", "device_id", "site_id", "asset_id", "title", "severity", "category", "source_ip",
					"destination_ip", "source_port", "destination_port", "protocol", "description", "signature_id", "status",
					"observed_at", "created_at"} {
					if _, ok := payload[k]; !ok {
						t.Errorf("alert payload lacks %s: %v", k, payload)
					}
				}
			}
		}
	})
}

// notificationsUntilSentinel returns the payloads delivered on the events
// channel before a sentinel notified now: notifications arrive in commit
// order, so everything committed earlier comes first.
func notificationsUntilSentinel(t *testing.T, w *world, listener *pgx.Conn, sentinel string) []string {
	t.Helper()
	if _, err := w.admin.Exec(`SELECT pg_notify($1, $2)`, events.Channel, sentinel); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []string
	for {
		n, err := listener.WaitForNotification(ctx)
		if err != nil {
			t.Fatalf("waiting for notifications: %v", err)
		}
		if n.Payload == sentinel {
			return out
		}
		out = append(out, n.Payload)
	}
}

func TestIngestWithoutDatabase(t *testing.T) {
	w := newWorld(t)
	acme := w.tenant(t, "acme")
	d := w.device(t, acme, &acme.site)
	// The database stops taking connections: the pool's idle ones are cut,
	// new ones are refused (said from the server's maintenance database).
	u, err := url.Parse(w.env.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/postgres"
	server, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = server.Close() }()
	for _, q := range []string{
		`ALTER DATABASE ` + w.env.DB.Name + ` ALLOW_CONNECTIONS false`,
		`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '` + w.env.DB.Name + `' AND pid <> pg_backend_pid()`,
	} {
		if _, err := server.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	defer func() { _, _ = server.Exec(`ALTER DATABASE ` + w.env.DB.Name + ` ALLOW_CONNECTIONS true`) }()
	r := post(t, w.base, d.key, encode(t, ingesttest.Mixed(20, time.Now())), nil)
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Fatalf("status %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	w := newWorld(t)
	api := w.newIngest(t, 10)
	if missing := httpapi.Undocumented(api.Server); len(missing) > 0 {
		t.Fatalf("routes missing from the OpenAPI document: %v", missing)
	}
	base := ingesttest.Serve(t, api)
	res, err := http.Get(base + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	doc, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("openapi.json: %d %v", res.StatusCode, err)
	}
	apitest.AssertValidOpenAPI(t, doc)
	if !strings.Contains(string(doc), `"`+ingest.Path+`"`) {
		t.Fatalf("the document lacks %s", ingest.Path)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if r, err := http.Get(base + path); err != nil || r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %v %v", path, r, err)
		} else {
			_ = r.Body.Close()
		}
	}
}
