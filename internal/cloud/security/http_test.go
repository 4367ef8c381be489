package security_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/security"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/rbac"
)

const alertsURL = "/api/v1/security/alerts"

// raise stores an alert of tenant observed at the given time.
func raise(t testing.TB, e *cloudtest.Env, tenant uuid.UUID, title, severity string, observed time.Time, device *uuid.UUID) security.Alert {
	t.Helper()
	ctx := auth.WithPrincipal(context.Background(), auth.System(tenant))
	src, port := "10.0.0.7", 502
	a, err := e.Services.Security.Raise(ctx, security.NewAlert{Title: title, Severity: severity, Category: "scan",
		SourceIP: &src, DestinationPort: &port, Protocol: "tcp", ObservedAt: observed, DeviceID: device})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func decode[T any](t *testing.T, r *apitest.Response) T {
	t.Helper()
	var v T
	r.JSON(t, &v)
	return v
}

func titles(want string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var got []string
		for _, a := range decode[httpapi.Page[security.Alert]](t, r).Items {
			got = append(got, a.Title)
		}
		if strings.Join(got, ",") != want {
			t.Fatalf("alerts %q, want %q", strings.Join(got, ","), want)
		}
	}
}

// setStatus moves an alert to a status the minimal API does not set.
func setStatus(t *testing.T, e *cloudtest.Env, id uuid.UUID, status string) {
	t.Helper()
	db, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if _, err := db.Exec(`UPDATE security_alerts SET status = $2 WHERE id = $1`, id, status); err != nil {
		t.Fatal(err)
	}
}

func TestAlertAPI(t *testing.T) {
	e := cloudtest.New(t)
	tenantA, admin := e.ActiveTenant(t, "sec-a", rbac.FeatureSecurity)
	tenantB, adminB := e.ActiveTenant(t, "sec-b", rbac.FeatureSecurity)
	_, noModule := e.ActiveTenant(t, "sec-c")
	reader := e.UserInGroup(t, tenantA, "reader@sec-a.example.com", "read_only")
	h := admin.Bearer()

	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	scan := raise(t, e, tenantA, "Port scan", "high", base, nil)
	login := raise(t, e, tenantA, "Failed logins", "medium", base.Add(time.Hour), nil)
	raise(t, e, tenantA, "Modbus write", "critical", base.Add(2*time.Hour), nil)
	resolved := raise(t, e, tenantA, "Old finding", "low", base.Add(-time.Hour), nil)
	setStatus(t, e, resolved.ID, "resolved")
	other := raise(t, e, tenantB, "B's alert", "critical", base, nil)

	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "newest first", Method: "GET", Path: alertsURL, Headers: h, Status: 200,
			Check: titles("Modbus write,Failed logins,Port scan,Old finding")},
		{Name: "severities (several)", Method: "GET", Path: alertsURL + "?severity=high,critical", Headers: h, Status: 200,
			Check: titles("Modbus write,Port scan")},
		{Name: "status", Method: "GET", Path: alertsURL + "?status=resolved", Headers: h, Status: 200, Check: titles("Old finding")},
		{Name: "time window: from inclusive, to exclusive", Method: "GET", Headers: h, Status: 200,
			Path:  alertsURL + "?from=" + url.QueryEscape(base.Format(time.RFC3339)) + "&to=" + url.QueryEscape(base.Add(2*time.Hour).Format(time.RFC3339)),
			Check: titles("Failed logins,Port scan")},
		{Name: "site with no alerts", Method: "GET", Path: alertsURL + "?site_id=" + uuid.NewString(), Headers: h, Status: 200, Check: titles("")},
		{Name: "device with no alerts", Method: "GET", Path: alertsURL + "?device_id=" + uuid.NewString(), Headers: h, Status: 200, Check: titles("")},
		{Name: "pages", Method: "GET", Path: alertsURL + "?limit=3", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			p := decode[httpapi.Page[security.Alert]](t, r)
			if len(p.Items) != 3 || p.NextCursor == nil {
				t.Fatalf("page: %s", r.Body)
			}
			titles("Old finding")(t, e.Do(t, "GET", alertsURL+"?limit=3&cursor="+*p.NextCursor, nil, h))
		}},
		{Name: "detail", Method: "GET", Path: alertsURL + "/" + scan.ID.String(), Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			a := decode[security.Alert](t, r)
			if a.Title != "Port scan" || a.Status != "new" || *a.SourceIP != "10.0.0.7" || *a.DestinationPort != 502 || a.Version != 1 ||
				!a.ObservedAt.Equal(base) {
				t.Fatalf("alert: %s", r.Body)
			}
		}},
		{Name: "a reader reads", Method: "GET", Path: alertsURL + "/" + scan.ID.String(), Headers: reader.Bearer(), Status: 200},
		{Name: "acknowledge", Method: "POST", Path: alertsURL + "/" + scan.ID.String() + "/acknowledge", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				a := decode[security.Alert](t, r)
				if a.Status != "acknowledged" || a.AcknowledgedAt == nil || a.AcknowledgedBy == nil || a.Version != 2 {
					t.Fatalf("acknowledged: %s", r.Body)
				}
			}},
		{Name: "acknowledging again answers it unchanged", Method: "POST", Path: alertsURL + "/" + scan.ID.String() + "/acknowledge", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if a := decode[security.Alert](t, r); a.Status != "acknowledged" || a.Version != 2 {
					t.Fatalf("second acknowledgement changed it: %s", r.Body)
				}
			}},
		{Name: "the acknowledgement is audited once", Method: "GET", Path: "/api/v1/settings/audit?action=security_alerts.acknowledge", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				var p struct {
					Items []json.RawMessage `json:"items"`
				}
				r.JSON(t, &p)
				if len(p.Items) != 1 || !strings.Contains(string(p.Items[0]), scan.ID.String()) {
					t.Fatalf("audit: %s", r.Body)
				}
			}},
	})
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "unknown severity", Method: "GET", Path: alertsURL + "?severity=urgent", Headers: h, Status: 422, Code: "validation_failed"},
		{Name: "unknown status", Method: "GET", Path: alertsURL + "?status=open", Headers: h, Status: 422, Code: "validation_failed"},
		{Name: "bad site id", Method: "GET", Path: alertsURL + "?site_id=x", Headers: h, Status: 422, Code: "validation_failed"},
		{Name: "bad time", Method: "GET", Path: alertsURL + "?from=yesterday", Headers: h, Status: 422, Code: "validation_failed"},
		{Name: "to before from", Method: "GET", Path: alertsURL + "?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", Headers: h, Status: 422, Code: "validation_failed"},
		{Name: "unknown parameter", Method: "GET", Path: alertsURL + "?severty=high", Headers: h, Status: 422, Code: "validation_failed"},
		{Name: "too many values", Method: "GET", Path: alertsURL + "?severity=" + strings.Repeat("high,", 100) + "high", Headers: h, Status: 422, Code: "validation_failed"},
		{Name: "bad limit", Method: "GET", Path: alertsURL + "?limit=0", Headers: h, Status: 422, Code: "validation_failed"},
		{Name: "bad cursor", Method: "GET", Path: alertsURL + "?cursor=nonsense", Headers: h, Status: 400, Code: "invalid_cursor"},
	})
	apitest.Run(t, e.Server.App(), "conflict", []apitest.Case{
		{Name: "an alert past acknowledgement", Method: "POST", Path: alertsURL + "/" + resolved.ID.String() + "/acknowledge", Headers: h, Status: 409, Code: "invalid_transition"},
	})
	apitest.Run(t, e.Server.App(), "permission", []apitest.Case{
		{Name: "no token", Method: "GET", Path: alertsURL, Status: 401},
		{Name: "a reader cannot acknowledge", Method: "POST", Path: alertsURL + "/" + login.ID.String() + "/acknowledge", Headers: reader.Bearer(), Status: 403, Code: "permission_denied"},
		{Name: "a tenant without the security module", Method: "GET", Path: alertsURL, Headers: noModule.Bearer(), Status: 403, Code: "feature_disabled"},
	})
	apitest.Run(t, e.Server.App(), "not found", []apitest.Case{
		{Name: "unknown id", Method: "GET", Path: alertsURL + "/" + uuid.NewString(), Headers: h, Status: 404, Code: "not_found"},
		{Name: "malformed id", Method: "GET", Path: alertsURL + "/123", Headers: h, Status: 404, Code: "not_found"},
		{Name: "acknowledge an unknown id", Method: "POST", Path: alertsURL + "/" + uuid.NewString() + "/acknowledge", Headers: h, Status: 404, Code: "not_found"},
	})
	apitest.Run(t, e.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "another tenant's alert", Method: "GET", Path: alertsURL + "/" + other.ID.String(), Headers: h, Status: 404, Code: "not_found"},
		{Name: "acknowledge another tenant's alert", Method: "POST", Path: alertsURL + "/" + other.ID.String() + "/acknowledge", Headers: h, Status: 404, Code: "not_found"},
		{Name: "the list shows only the own tenant's", Method: "GET", Path: alertsURL, Headers: adminB.Bearer(), Status: 200, Check: titles("B's alert")},
	})
	cloudtest.AssertRoutePermissions(t, e, map[string]map[string]string{
		alertsURL:                       {"get": "security.read"},
		alertsURL + "/timeline":         {"get": "security.read"},
		alertsURL + "/{id}":             {"get": "security.read"},
		alertsURL + "/{id}/acknowledge": {"post": "security.manage"},
		security.FeedPath:               {"get": "security.read"},
		"/api/v1/ws/ticket":             {"post": httpapi.Authenticated},
	})
}

func TestRaiseValidates(t *testing.T) {
	e := cloudtest.New(t)
	tenant, _ := e.ActiveTenant(t, "raise", rbac.FeatureSecurity)
	ctx := auth.WithPrincipal(context.Background(), auth.System(tenant))
	_, err := e.Services.Security.Raise(ctx, security.NewAlert{Title: " ", Severity: "urgent"})
	if !errs.Is(err, errs.KindValidation) {
		t.Fatalf("an invalid alert was raised: %v", err)
	}
}

func TestAlertTimeline(t *testing.T) {
	e := cloudtest.New(t)
	tenantA, admin := e.ActiveTenant(t, "tl-a", rbac.FeatureSecurity)
	tenantB, adminB := e.ActiveTenant(t, "tl-b", rbac.FeatureSecurity)
	_, noModule := e.ActiveTenant(t, "tl-c")
	reader := e.UserInGroup(t, tenantA, "reader@tl-a.example.com", "read_only")
	h := admin.Bearer()

	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	raise(t, e, tenantA, "Port scan", "high", base.Add(5*time.Minute), nil)
	raise(t, e, tenantA, "Another scan", "high", base.Add(50*time.Minute), nil)
	raise(t, e, tenantA, "Modbus write", "critical", base.Add(2*time.Hour), nil)
	raise(t, e, tenantA, "Next day", "low", base.Add(24*time.Hour), nil)
	raise(t, e, tenantB, "B's alert", "critical", base.Add(10*time.Minute), nil)

	const timelineURL = alertsURL + "/timeline"
	rng := func(bucket string, from, to time.Time) string {
		return timelineURL + "?bucket=" + bucket + "&from=" + url.QueryEscape(from.Format(time.RFC3339)) + "&to=" + url.QueryEscape(to.Format(time.RFC3339))
	}
	// points checks the bucket starts (as offsets from base) and their counts.
	points := func(want map[time.Duration]security.SeverityCounts, n int) func(*testing.T, *apitest.Response) {
		return func(t *testing.T, r *apitest.Response) {
			t.Helper()
			tl := decode[security.Timeline](t, r)
			if len(tl.Points) != n {
				t.Fatalf("%d points, want %d", len(tl.Points), n)
			}
			for _, p := range tl.Points {
				if got, w := p.Counts, want[p.Start.Sub(base)]; got != w {
					t.Fatalf("bucket %s: %+v, want %+v", p.Start, got, w)
				}
			}
		}
	}
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "by the hour, empty buckets present", Method: "GET", Path: rng("hour", base, base.Add(3*time.Hour)), Headers: h, Status: 200,
			Check: points(map[time.Duration]security.SeverityCounts{0: {High: 2}, 2 * time.Hour: {Critical: 1}}, 3)},
		{Name: "from is rounded down to the bucket", Method: "GET", Path: rng("hour", base.Add(30*time.Minute), base.Add(time.Hour)), Headers: h, Status: 200,
			Check: points(map[time.Duration]security.SeverityCounts{0: {High: 2}}, 1)},
		{Name: "by the day", Method: "GET", Path: rng("day", base.Add(-12*time.Hour), base.Add(36*time.Hour)), Headers: h, Status: 200,
			Check: points(map[time.Duration]security.SeverityCounts{-12 * time.Hour: {High: 2, Critical: 1}, 12 * time.Hour: {Low: 1}}, 2)},
		{Name: "defaults to the last 24 hours by the hour", Method: "GET", Path: timelineURL, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			tl := decode[security.Timeline](t, r)
			if tl.Bucket != "hour" || len(tl.Points) < 24 || len(tl.Points) > 25 {
				t.Fatalf("default timeline: %s with %d points", tl.Bucket, len(tl.Points))
			}
		}},
		{Name: "a reader reads", Method: "GET", Path: rng("hour", base, base.Add(time.Hour)), Headers: reader.Bearer(), Status: 200},
	})
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "unknown bucket", Method: "GET", Path: timelineURL + "?bucket=week", Headers: h, Status: 422, Code: "validation_failed"},
		{Name: "bad time", Method: "GET", Path: timelineURL + "?from=yesterday", Headers: h, Status: 422, Code: "validation_failed"},
		{Name: "to before from", Method: "GET", Path: rng("hour", base, base.Add(-time.Hour)), Headers: h, Status: 422, Code: "validation_failed"},
		{Name: "too many hours", Method: "GET", Path: rng("hour", base, base.Add(745*time.Hour)), Headers: h, Status: 422, Code: "validation_failed"},
		{Name: "too many days", Method: "GET", Path: rng("day", base, base.Add(367*24*time.Hour)), Headers: h, Status: 422, Code: "validation_failed"},
		{Name: "unknown parameter", Method: "GET", Path: timelineURL + "?severity=high", Headers: h, Status: 422, Code: "validation_failed"},
	})
	apitest.Run(t, e.Server.App(), "permission", []apitest.Case{
		{Name: "no token", Method: "GET", Path: timelineURL, Status: 401},
		{Name: "a tenant without the security module", Method: "GET", Path: timelineURL, Headers: noModule.Bearer(), Status: 403, Code: "feature_disabled"},
	})
	apitest.Run(t, e.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "another tenant counts only its own", Method: "GET", Path: rng("hour", base, base.Add(3*time.Hour)), Headers: adminB.Bearer(), Status: 200,
			Check: points(map[time.Duration]security.SeverityCounts{0: {Critical: 1}}, 3)},
	})
}
