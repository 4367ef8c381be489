package edge_test

import (
	"strings"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

const keysURL = "/api/v1/edge/keys"

func keyStatuses(want string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var got []string
		for _, k := range decode[httpapi.Page[edge.RegistrationKey]](t, r).Items {
			got = append(got, k.Label+":"+k.Status)
		}
		if strings.Join(got, ",") != want {
			t.Fatalf("keys %v, want %s", got, want)
		}
	}
}

func TestKeysSuccess(t *testing.T) {
	f := newFleet(t)
	tenantID, admin := f.ActiveTenant(t, "acme")
	h := admin.Bearer()
	site := f.site(t, admin, "Plant A")
	expires := f.clock.now().Add(48 * time.Hour).Format(time.RFC3339)
	var created edge.CreatedKey
	apitest.Run(t, f.Server.App(), "create", []apitest.Case{
		{Name: "every field", Method: "POST", Path: keysURL, Headers: h, Status: 201,
			Body: map[string]any{"label": " Plant A rollout ", "expires_at": expires, "max_uses": 2, "site_id": site},
			Check: func(t *testing.T, r *apitest.Response) {
				created = decode[edge.CreatedKey](t, r)
				if !strings.HasPrefix(created.Key, "prov_") || len(created.Key) < 40 || !strings.HasPrefix(created.Key, created.KeyPrefix) ||
					created.Label != "Plant A rollout" || created.Status != edge.KeyActive || *created.MaxUses != 2 ||
					*created.SiteID != site || *created.SiteName != "Plant A" || created.Uses != 0 {
					t.Fatalf("key: %+v", created)
				}
			}},
		{Name: "label only", Method: "POST", Path: keysURL, Headers: h, Status: 201, Body: map[string]any{"label": "Spare"}},
	})
	if strings.Contains(string(ok(t, f.Do(t, "GET", keysURL, nil, h), 200).Body), created.Key) {
		t.Fatal("the list shows a key's secret")
	}
	f.register(t, created.Key, "acme", "gw-1")
	f.register(t, created.Key, "acme", "gw-2")
	revoked := f.createKey(t, admin, map[string]any{"label": "Old"})
	f.createKey(t, admin, map[string]any{"label": "Short", "expires_at": f.clock.now().Add(time.Minute)})
	f.clock.advance(2 * time.Minute)
	apitest.Run(t, f.Server.App(), "revoke", []apitest.Case{
		{Name: "revoke", Method: "DELETE", Path: keysURL + "/" + revoked.ID.String(), Headers: h, Status: 204},
		{Name: "again", Method: "DELETE", Path: keysURL + "/" + revoked.ID.String(), Headers: h, Status: 204},
	})
	apitest.Run(t, f.Server.App(), "read", []apitest.Case{
		{Name: "statuses, newest first", Method: "GET", Path: keysURL, Headers: h, Status: 200,
			Check: keyStatuses("Short:expired,Old:revoked,Spare:active,Plant A rollout:exhausted")},
		{Name: "uses and last use", Method: "GET", Path: keysURL + "/" + created.ID.String(), Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if k := decode[edge.RegistrationKey](t, r); k.Uses != 2 || k.LastUsedAt == nil || k.Status != edge.KeyExhausted {
					t.Fatalf("key: %+v", k)
				}
			}},
		{Name: "pages", Method: "GET", Path: keysURL + "?limit=3", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			p := decode[httpapi.Page[edge.RegistrationKey]](t, r)
			if len(p.Items) != 3 || p.NextCursor == nil {
				t.Fatalf("page: %s", r.Body)
			}
			keyStatuses("Plant A rollout:exhausted")(t, ok(t, f.Do(t, "GET", keysURL+"?limit=3&cursor="+*p.NextCursor, nil, h), 200))
		}},
	})
	if a := f.audit(t, tenantID, "edge_registration_keys.create"); len(a) != 4 || !strings.Contains(string(a[0].Changes["key"]), "[redacted]") {
		t.Fatalf("create audit: %+v", a)
	}
	if a := f.audit(t, tenantID, "edge_registration_keys.revoke"); len(a) != 1 || a[0].ResourceID != revoked.ID.String() {
		t.Fatalf("revoke audit: %+v", a)
	}
}

func TestKeysIdempotentCreate(t *testing.T) {
	f := newFleet(t)
	_, admin := f.ActiveTenant(t, "acme")
	h := admin.Bearer()
	h["Idempotency-Key"] = "key-create-1"
	first := decode[edge.CreatedKey](t, ok(t, f.Do(t, "POST", keysURL, map[string]any{"label": "Once"}, h), 201))
	again := ok(t, f.Do(t, "POST", keysURL, map[string]any{"label": "Once"}, h), 201)
	if again.Header.Get("Idempotent-Replayed") != "true" || decode[edge.CreatedKey](t, again).Key != first.Key {
		t.Fatalf("replay: %s", again.Body)
	}
	keyStatuses("Once:active")(t, ok(t, f.Do(t, "GET", keysURL, nil, admin.Bearer()), 200))
}

func TestKeysValidation(t *testing.T) {
	f := newFleet(t)
	_, admin := f.ActiveTenant(t, "acme")
	h := admin.Bearer()
	post := func(name string, body map[string]any, field, code string) apitest.Case {
		if _, ok := body["label"]; !ok {
			body["label"] = "Key"
		}
		return apitest.Case{Name: name, Method: "POST", Path: keysURL, Body: body, Headers: h, Status: 422, Code: "validation_failed",
			Check: fieldError(field, code)}
	}
	now := f.clock.now()
	apitest.Run(t, f.Server.App(), "create", []apitest.Case{
		post("label missing", map[string]any{"label": " "}, "label", "required"),
		post("label too long", map[string]any{"label": strings.Repeat("x", 201)}, "label", "too_long"),
		post("expiry in the past", map[string]any{"expires_at": now.Add(-time.Minute)}, "expires_at", "in_past"),
		post("expiry too late", map[string]any{"expires_at": now.AddDate(6, 0, 0)}, "expires_at", "too_late"),
		post("no uses", map[string]any{"max_uses": 0}, "max_uses", "out_of_range"),
		post("too many uses", map[string]any{"max_uses": 100_001}, "max_uses", "out_of_range"),
		post("unknown site", map[string]any{"site_id": "00000000-0000-4000-8000-000000000000"}, "site_id", "not_found"),
		post("unknown field", map[string]any{"uses": 3}, "uses", "unknown_field"),
		{Name: "malformed", Method: "POST", Path: keysURL, Body: "{", Headers: h, Status: 400, Code: "malformed_json"},
	})
	apitest.Run(t, f.Server.App(), "nothing made", []apitest.Case{
		{Name: "empty list", Method: "GET", Path: keysURL, Headers: h, Status: 200, Check: keyStatuses("")},
		{Name: "bad cursor", Method: "GET", Path: keysURL + "?cursor=WzEsMl0", Headers: h, Status: 400, Code: "invalid_cursor"},
	})
}

func TestKeysPermissions(t *testing.T) {
	f := newFleet(t)
	tenantID, admin := f.ActiveTenant(t, "acme")
	key := f.createKey(t, admin, map[string]any{"label": "Mine"}).ID.String()
	h := f.UserInGroup(t, tenantID, "ro@acme.example.com", "read_only").Bearer()
	apitest.Run(t, f.Server.App(), "denied to read-only users", []apitest.Case{
		{Name: "list", Method: "GET", Path: keysURL, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "get", Method: "GET", Path: keysURL + "/" + key, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "create", Method: "POST", Path: keysURL, Body: map[string]any{"label": "x"}, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "revoke", Method: "DELETE", Path: keysURL + "/" + key, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "signed out", Method: "GET", Path: keysURL, Status: 401},
	})
	keyStatuses("Mine:active")(t, ok(t, f.Do(t, "GET", keysURL, nil, admin.Bearer()), 200))
}

func TestKeysCrossTenant(t *testing.T) {
	f := newFleet(t)
	_, a := f.ActiveTenant(t, "tenant-a")
	_, b := f.ActiveTenant(t, "tenant-b")
	f.createKey(t, a, map[string]any{"label": "A's"})
	keyB := f.createKey(t, b, map[string]any{"label": "B's"})
	h := a.Bearer()
	var cases []apitest.Case
	for _, id := range []string{keyB.ID.String(), "not-a-uuid"} {
		cases = append(cases,
			apitest.Case{Name: "get " + id, Method: "GET", Path: keysURL + "/" + id},
			apitest.Case{Name: "revoke " + id, Method: "DELETE", Path: keysURL + "/" + id})
	}
	for i := range cases {
		cases[i].Headers, cases[i].Status, cases[i].Code = h, 404, "not_found"
	}
	apitest.Run(t, f.Server.App(), "cross-tenant", cases)
	apitest.Run(t, f.Server.App(), "views", []apitest.Case{
		{Name: "A sees only A's", Method: "GET", Path: keysURL, Headers: h, Status: 200, Check: keyStatuses("A's:active")},
		{Name: "B's key is untouched", Method: "GET", Path: keysURL, Headers: b.Bearer(), Status: 200, Check: keyStatuses("B's:active")},
		{Name: "B's key does not register into A", Method: "POST", Path: "/api/v1/devices/register", Body: registration("tenant-a", "gw"),
			Headers: map[string]string{edge.ProvisioningKeyHeader: keyB.Key}, Status: 401, Code: "invalid_registration"},
	})
}
