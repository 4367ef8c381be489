package licensing_test

import (
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/webhook"
)

const pushPath = "/internal/license/refresh"

// signed returns the body and headers of a push signed at time at.
func signed(t *testing.T, push map[string]any, at time.Time, secret string) (string, map[string]string) {
	t.Helper()
	body, err := json.Marshal(push)
	if err != nil {
		t.Fatal(err)
	}
	ts, sig := webhook.Sign([]byte(secret), at, body)
	return string(body), map[string]string{webhook.HeaderTimestamp: ts, webhook.HeaderSignature: sig}
}

func push(tenant uuid.UUID, event string, issued time.Time, features ...string) map[string]any {
	if features == nil {
		features = []string{}
	}
	return map[string]any{"event_id": event, "tenant_id": tenant, "status": "active", "plan": "standard",
		"features": features, "limits": map[string]int{"max_users": 0}, "expires_at": nil, "grace_days": 14,
		"issued_at": issued.UTC().Format(time.RFC3339Nano)}
}

func outcome(want string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		if !strings.Contains(string(r.Body), `"outcome":"`+want+`"`) {
			t.Fatalf("outcome: %s, want %s", r.Body, want)
		}
	}
}

func TestLicencePushes(t *testing.T) {
	e := cloudtest.New(t)
	tenantID := e.Register(t, "pushed", "admin@pushed.example.com")
	now := time.Now()
	first, firstHeaders := signed(t, push(tenantID, "evt-1", now, "security", "vpn"), now, cloudtest.WebhookSecret)
	tampered := strings.Replace(first, `"vpn"`, `"backup"`, 1)
	_, wrongKey := signed(t, push(tenantID, "evt-1", now, "security", "vpn"), now, "another-webhook-secret-0123456789")
	old, oldHeaders := signed(t, push(tenantID, "evt-old", now), now.Add(-6*time.Minute), cloudtest.WebhookSecret)

	apitest.Run(t, e.Server.App(), "refused", []apitest.Case{
		{Name: "modified body", Method: "POST", Path: pushPath, Body: tampered, Headers: firstHeaders, Status: 401, Code: "invalid_signature"},
		{Name: "wrong signature", Method: "POST", Path: pushPath, Body: first, Headers: wrongKey, Status: 401, Code: "invalid_signature"},
		{Name: "stale timestamp", Method: "POST", Path: pushPath, Body: old, Headers: oldHeaders, Status: 401, Code: "invalid_signature"},
		{Name: "no signature", Method: "POST", Path: pushPath, Body: first, Status: 401, Code: "invalid_signature"},
	})
	apitest.Run(t, e.Server.App(), "nothing changed", []apitest.Case{
		{Name: "still pending", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "admin@pushed.example.com", "password": cloudtest.Password}, Status: 403, Code: "tenant_pending"},
	})
	apitest.Run(t, e.Server.App(), "applied once", []apitest.Case{
		{Name: "apply", Method: "POST", Path: pushPath, Body: first, Headers: firstHeaders, Status: 200, Check: outcome("applied")},
		{Name: "replay", Method: "POST", Path: pushPath, Body: first, Headers: firstHeaders, Status: 200, Check: outcome("already_applied")},
	})
	s := e.Login(t, "admin@pushed.example.com")
	var features map[string]bool
	e.Do(t, "GET", "/api/v1/me/features", nil, s.Bearer()).JSON(t, &features)
	if !features["security"] || !features["vpn"] || features["backup"] {
		t.Fatalf("features after the push: %v", features)
	}

	// An older push delivered late does not replace the newer licence.
	late, lateHeaders := signed(t, push(tenantID, "evt-0", now.Add(-time.Hour), "backup"), now, cloudtest.WebhookSecret)
	apitest.Run(t, e.Server.App(), "ordering", []apitest.Case{
		{Name: "older event", Method: "POST", Path: pushPath, Body: late, Headers: lateHeaders, Status: 200, Check: outcome("stale")},
	})
	e.Do(t, "GET", "/api/v1/me/features", nil, s.Bearer()).JSON(t, &features)
	if !features["vpn"] || features["backup"] {
		t.Fatalf("a stale push changed the features: %v", features)
	}

	// Suspension arrives the same way.
	suspend := push(tenantID, "evt-2", now.Add(time.Second), "security", "vpn")
	suspend["status"] = "suspended"
	body, headers := signed(t, suspend, now, cloudtest.WebhookSecret)
	apitest.Run(t, e.Server.App(), "suspend", []apitest.Case{
		{Name: "suspend", Method: "POST", Path: pushPath, Body: body, Headers: headers, Status: 200, Check: outcome("applied")},
		{Name: "sign-in refused", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "admin@pushed.example.com", "password": cloudtest.Password}, Status: 403, Code: "tenant_suspended"},
	})

	unknown, unknownHeaders := signed(t, push(uuid.New(), "evt-x", now), now, cloudtest.WebhookSecret)
	bad := push(tenantID, "evt-bad", now)
	bad["features"] = []string{"teleport"}
	badBody, badHeaders := signed(t, bad, now, cloudtest.WebhookSecret)
	apitest.Run(t, e.Server.App(), "rejected", []apitest.Case{
		{Name: "unknown tenant", Method: "POST", Path: pushPath, Body: unknown, Headers: unknownHeaders, Status: 404},
		{Name: "unknown feature", Method: "POST", Path: pushPath, Body: badBody, Headers: badHeaders, Status: 422},
	})

	db, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var applies int
	if err := db.QueryRow(`SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = 'licence.apply'`, tenantID).Scan(&applies); err != nil {
		t.Fatal(err)
	}
	if applies != 2 {
		t.Fatalf("licence.apply recorded %d times, want 2 (first push and suspension)", applies)
	}
}

func TestStatusOnlyPush(t *testing.T) {
	e := cloudtest.New(t)
	tenantID := e.Register(t, "rejected-org", "admin@rejected-org.example.com")
	now := time.Now()
	p := map[string]any{"event_id": "evt-reject", "tenant_id": tenantID, "status": "deleted", "plan": "", "features": []string{},
		"limits": map[string]int{}, "expires_at": nil, "grace_days": 0, "issued_at": now.UTC().Format(time.RFC3339Nano)}
	body, headers := signed(t, p, now, cloudtest.WebhookSecret)
	apitest.Run(t, e.Server.App(), "status only", []apitest.Case{
		{Name: "reject", Method: "POST", Path: pushPath, Body: body, Headers: headers, Status: 200, Check: outcome("applied")},
		{Name: "sign-in looks like a wrong password", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "admin@rejected-org.example.com", "password": cloudtest.Password}, Status: 401},
	})
}
