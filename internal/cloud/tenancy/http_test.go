package tenancy_test

import (
	"testing"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

const settingsURL = "/api/v1/settings/tenant"

func TestTenantSettings(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "settled")
	_, other := e.ActiveTenant(t, "neighbour")
	reader := e.UserInGroup(t, tenantID, "reader@settled.example.com", "read_only")
	h := admin.Bearer()

	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "defaults", Method: "GET", Path: settingsURL, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var s map[string]any
			r.JSON(t, &s)
			if s["timezone"] != "UTC" || s["audit_retention_days"] != 365.0 || s["ingest_events_retention_days"] != 30.0 || s["version"] != 1.0 {
				t.Fatalf("defaults: %v", s)
			}
		}},
		{Name: "change", Method: "PATCH", Path: settingsURL, Headers: h, Status: 200,
			Body: map[string]any{"display_name": "Settled GmbH", "timezone": "Europe/Berlin", "mfa_policy": "optional", "audit_retention_days": 730, "version": 1},
			Check: func(t *testing.T, r *apitest.Response) {
				var s map[string]any
				r.JSON(t, &s)
				if s["display_name"] != "Settled GmbH" || s["timezone"] != "Europe/Berlin" || s["audit_retention_days"] != 730.0 || s["version"] != 2.0 {
					t.Fatalf("after the change: %v", s)
				}
			}},
		{Name: "readers see settings", Method: "GET", Path: settingsURL, Headers: reader.Bearer(), Status: 200},
	})
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "stale version", Method: "PATCH", Path: settingsURL, Headers: h, Body: map[string]any{"timezone": "UTC", "version": 1}, Status: 409, Code: "version_conflict"},
		{Name: "unknown time zone", Method: "PATCH", Path: settingsURL, Headers: h, Body: map[string]any{"timezone": "Mars/Olympus", "version": 2}, Status: 422},
		{Name: "retention out of range", Method: "PATCH", Path: settingsURL, Headers: h, Body: map[string]any{"audit_retention_days": 5, "version": 2}, Status: 422},
		{Name: "restricted without SSO", Method: "PATCH", Path: settingsURL, Headers: h, Body: map[string]any{"auth_policy": "restricted", "version": 2}, Status: 422},
		{Name: "unknown field", Method: "PATCH", Path: settingsURL, Headers: h, Body: map[string]any{"colour": "blue", "version": 2}, Status: 422},
	})
	apitest.Run(t, e.Server.App(), "permission", []apitest.Case{
		{Name: "read only cannot change", Method: "PATCH", Path: settingsURL, Headers: reader.Bearer(), Body: map[string]any{"timezone": "UTC", "version": 2}, Status: 403, Code: "permission_denied"},
	})
	apitest.Run(t, e.Server.App(), "policies", []apitest.Case{
		{Name: "require MFA", Method: "PATCH", Path: settingsURL, Headers: h, Body: map[string]any{"mfa_policy": "required", "version": 2}, Status: 200},
	})
	apitest.Run(t, e.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "the neighbour is untouched", Method: "GET", Path: settingsURL, Headers: other.Bearer(), Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var s map[string]any
			r.JSON(t, &s)
			if s["display_name"] == "Settled GmbH" || s["timezone"] != "UTC" || s["version"] != 1.0 {
				t.Fatalf("another tenant's change leaked: %v", s)
			}
		}},
	})
}
