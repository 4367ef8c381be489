package tenants_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/mgmt/deliveries"
	"github.com/monozu/monozu/internal/mgmt/tenants"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

func TestRegistrationReports(t *testing.T) {
	e := newEnv(t)
	first := report("acme")
	var created tenants.Tenant
	apitest.Run(t, e.Server.App(), "unauthenticated", []apitest.Case{
		{Name: "no token", Method: "POST", Path: "/internal/v1/tenants/registrations", Body: first, Status: 401, Code: "invalid_token"},
		{Name: "wrong token", Method: "POST", Path: "/internal/v1/tenants/registrations", Body: first,
			Headers: bearer(machineToken + "x"), Status: 401, Code: "invalid_token"},
		{Name: "an operator's access token", Method: "POST", Path: "/internal/v1/tenants/registrations", Body: first,
			Headers: e.admin.Bearer(), Status: 401, Code: "invalid_token"},
	})
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "first report creates a pending registration", Method: "POST", Path: "/internal/v1/tenants/registrations", Body: first,
			Headers: bearer(machineToken), Status: 201, Check: func(t *testing.T, r *apitest.Response) {
				r.JSON(t, &created)
				if created.Status != tenants.StatusPending || created.Source != tenants.SourceSelfRegistered ||
					created.Registration == nil || *created.Registration != tenants.RegistrationPending ||
					created.ContactEmail != "admin@acme.example.com" || created.ContactName != "Admin of acme" {
					t.Fatalf("tenant %+v", created)
				}
			}},
		{Name: "a repeat is answered with the same tenant", Method: "POST", Path: "/internal/v1/tenants/registrations", Body: first,
			Headers: bearer(machineToken), Status: 200, Check: func(t *testing.T, r *apitest.Response) {
				var again tenants.Tenant
				r.JSON(t, &again)
				if again.ID != created.ID {
					t.Fatalf("repeat gave tenant %s, first %s", again.ID, created.ID)
				}
			}},
		{Name: "it waits in the pending queue", Method: "GET", Path: "/api/v1/registrations?status=pending",
			Headers: e.support.Bearer(), Status: 200, Check: listed("acme")},
		{Name: "and nowhere else", Method: "GET", Path: "/api/v1/registrations?status=approved",
			Headers: e.support.Bearer(), Status: 200, Check: listed()},
	})
	taken := report("acme")
	apitest.Run(t, e.Server.App(), "conflict", []apitest.Case{
		{Name: "another Cloud tenant with the same account name", Method: "POST", Path: "/internal/v1/tenants/registrations",
			Body: taken, Headers: bearer(machineToken), Status: 409, Code: "account_name_taken"},
	})
	bad := report("x")
	bad["organization_name"] = ""
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "account and organisation names", Method: "POST", Path: "/internal/v1/tenants/registrations", Body: bad,
			Headers: bearer(machineToken), Status: 422, Code: "validation_failed", Check: fields("account_name", "organization_name")},
		{Name: "unknown registration state", Method: "GET", Path: "/api/v1/registrations?status=maybe",
			Headers: e.support.Bearer(), Status: 422, Check: fields("status")},
	})
	if a := e.audit(t, created.ID); len(a) != 1 || a[0].Action != "registrations.create" || a[0].OperatorID != nil || a[0].ActorLabel != "cloud" {
		t.Fatalf("audit %+v", a)
	}
}

func TestApproveAndReject(t *testing.T) {
	e := newEnv(t)
	acme, bolt := e.register(t, "acme"), e.register(t, "bolt")
	approve := "/api/v1/registrations/" + acme.ID.String() + "/approve"
	reject := "/api/v1/registrations/" + bolt.ID.String() + "/reject"
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "approving with a licence activates the tenant", Method: "POST", Path: approve, Body: licenseBody("security", "vpn"),
			Headers: e.admin.Bearer(), Status: 200, Check: func(t *testing.T, r *apitest.Response) {
				var d tenants.Detail
				r.JSON(t, &d)
				if d.Status != tenants.StatusActive || *d.Registration != tenants.RegistrationApproved || d.License == nil ||
					d.License.Version != 1 || d.License.GraceDays != tenants.DefaultGraceDays || len(d.History) != 1 ||
					d.History[0].Status != tenants.StatusActive || d.History[0].OperatorID == nil || *d.History[0].OperatorID != e.adminID {
					t.Fatalf("detail %+v", d)
				}
			}},
		{Name: "rejecting deletes the tenant", Method: "POST", Path: reject, Body: map[string]string{"reason": "fake company"},
			Headers: e.admin.Bearer(), Status: 200, Check: func(t *testing.T, r *apitest.Response) {
				var d tenants.Detail
				r.JSON(t, &d)
				if d.Status != tenants.StatusDeleted || *d.Registration != tenants.RegistrationRejected || d.DeletionScheduledAt == nil ||
					d.License != nil || len(d.History) != 1 || d.History[0].License != nil {
					t.Fatalf("detail %+v", d)
				}
			}},
		{Name: "the pending queue is empty", Method: "GET", Path: "/api/v1/registrations?status=pending", Headers: e.admin.Bearer(),
			Status: 200, Check: listed()},
		{Name: "every registration is listed without a filter", Method: "GET", Path: "/api/v1/registrations", Headers: e.admin.Bearer(),
			Status: 200, Check: listed("bolt", "acme")},
	})
	apitest.Run(t, e.Server.App(), "conflict", []apitest.Case{
		{Name: "approving twice", Method: "POST", Path: approve, Body: licenseBody(), Headers: e.admin.Bearer(),
			Status: 409, Code: "registration_not_pending"},
		{Name: "rejecting an approved registration", Method: "POST", Path: "/api/v1/registrations/" + acme.ID.String() + "/reject",
			Body: map[string]string{"reason": "changed our mind"}, Headers: e.admin.Bearer(), Status: 409, Code: "registration_not_pending"},
	})
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "a rejection needs a reason", Method: "POST", Path: reject, Body: map[string]string{"reason": " "},
			Headers: e.admin.Bearer(), Status: 422, Check: fields("reason")},
	})

	pushes := e.pushes(t, acme.ID)
	if len(pushes) != 1 {
		t.Fatalf("%d pushes for the approval, want 1", len(pushes))
	}
	p := pushes[0]
	if p.TenantID != acme.CloudTenantID || p.Status != "active" || p.Plan != "enterprise" || !slices.Equal(p.Features, []string{"security", "vpn"}) ||
		p.Limits["max_assets"] != 1000 || p.Limits["max_devices"] != 10 || p.GraceDays != 14 || p.ExpiresAt == nil || p.EventID == "" {
		t.Fatalf("push %+v", p)
	}
	if got := e.statuses(t, bolt.ID); !slices.Equal(got, []string{"deleted"}) {
		t.Fatalf("rejection pushed %v", got)
	}
	a := e.audit(t, acme.ID)
	if len(a) != 2 || a[1].Action != "registrations.approve" || a[1].OperatorID == nil || *a[1].OperatorID != e.adminID ||
		a[1].Changes["status"].Before != "pending" || a[1].Changes["status"].After != "active" || a[1].Changes["license"].After == nil {
		t.Fatalf("audit %+v", a)
	}
	if a := e.audit(t, bolt.ID); len(a) != 2 || a[1].Action != "registrations.reject" || a[1].Changes["reason"].After != "fake company" {
		t.Fatalf("audit %+v", a)
	}
}

func TestLicenseValidation(t *testing.T) {
	e := newEnv(t)
	acme := e.register(t, "acme")
	path := "/api/v1/tenants/" + acme.ID.String() + "/license"
	with := func(k string, v any) map[string]any {
		b := licenseBody("security")
		b[k] = v
		return b
	}
	without := func(k string) map[string]any {
		b := licenseBody("security")
		delete(b, k)
		return b
	}
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "unknown feature", Method: "PUT", Path: path, Body: with("features", []string{"vpn", "mining"}), Headers: e.admin.Bearer(),
			Status: 422, Code: "validation_failed", Check: fields("features[1]")},
		{Name: "expiry before start", Method: "PUT", Path: path, Body: with("expires_at", "2025-12-31T00:00:00Z"), Headers: e.admin.Bearer(),
			Status: 422, Check: fields("expires_at")},
		{Name: "grace over a year", Method: "PUT", Path: path, Body: with("grace_days", 366), Headers: e.admin.Bearer(),
			Status: 422, Check: fields("grace_days")},
		{Name: "negative grace", Method: "PUT", Path: path, Body: with("grace_days", -1), Headers: e.admin.Bearer(),
			Status: 422, Check: fields("grace_days")},
		{Name: "no plan", Method: "PUT", Path: path, Body: without("plan"), Headers: e.admin.Bearer(),
			Status: 422, Check: fields("plan")},
		{Name: "no start", Method: "PUT", Path: path, Body: without("starts_at"), Headers: e.admin.Bearer(),
			Status: 422, Check: fields("starts_at")},
		{Name: "negative limit", Method: "PUT", Path: path, Body: with("limits", map[string]int{"max_users": -5}), Headers: e.admin.Bearer(),
			Status: 422, Check: fields("limits.max_users")},
		{Name: "unknown field", Method: "PUT", Path: path, Body: with("colour", "blue"), Headers: e.admin.Bearer(),
			Status: 422, Check: fields("colour")},
	})
	if got := e.pushes(t, acme.ID); len(got) != 0 {
		t.Fatalf("refused licences were pushed: %+v", got)
	}
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "a first licence with version 0", Method: "PUT", Path: path, Body: with("version", 0), Headers: e.admin.Bearer(), Status: 200},
		{Name: "a renewal with the version read", Method: "PUT", Path: path, Body: with("version", 1), Headers: e.admin.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				var d tenants.Detail
				r.JSON(t, &d)
				if d.License.Version != 2 || len(d.History) != 2 || d.History[0].At.Before(d.History[1].At) {
					t.Fatalf("detail %+v", d)
				}
			}},
		{Name: "no version: last write wins", Method: "PUT", Path: path, Body: licenseBody("backup"), Headers: e.admin.Bearer(), Status: 200},
	})
	apitest.Run(t, e.Server.App(), "conflict", []apitest.Case{
		{Name: "a stale version", Method: "PUT", Path: path, Body: with("version", 1), Headers: e.admin.Bearer(),
			Status: 409, Code: "version_conflict"},
	})
	if got := e.statuses(t, acme.ID); !slices.Equal(got, []string{"active", "active", "active"}) {
		t.Fatalf("pushed %v", got)
	}
}

func TestSuspendResumeDelete(t *testing.T) {
	e := newEnv(t)
	acme := e.licensed(t, "acme")
	base := "/api/v1/tenants/" + acme.ID.String()
	status := func(want tenants.Status) func(t *testing.T, r *apitest.Response) {
		return func(t *testing.T, r *apitest.Response) {
			var d tenants.Detail
			r.JSON(t, &d)
			if d.Status != want || d.License == nil {
				t.Fatalf("detail %+v, want status %s with the licence kept", d, want)
			}
		}
	}
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "suspend", Method: "POST", Path: base + "/suspend", Headers: e.admin.Bearer(), Status: 200, Check: status(tenants.StatusSuspended)},
		{Name: "resume", Method: "POST", Path: base + "/resume", Headers: e.admin.Bearer(), Status: 200, Check: status(tenants.StatusActive)},
		{Name: "delete", Method: "POST", Path: base + "/delete", Headers: e.admin.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				status(tenants.StatusDeleted)(t, r)
				var d tenants.Detail
				r.JSON(t, &d)
				purge := time.Now().Add(tenants.DeletionDelay)
				if d.DeletionScheduledAt == nil || d.DeletionScheduledAt.Sub(purge).Abs() > time.Minute {
					t.Fatalf("deletion scheduled at %v, want about %v", d.DeletionScheduledAt, purge)
				}
			}},
	})
	apitest.Run(t, e.Server.App(), "conflict", []apitest.Case{
		{Name: "resume a deleted tenant", Method: "POST", Path: base + "/resume", Headers: e.admin.Bearer(), Status: 409, Code: "tenant_not_suspended"},
		{Name: "suspend a deleted tenant", Method: "POST", Path: base + "/suspend", Headers: e.admin.Bearer(), Status: 409, Code: "tenant_not_active"},
		{Name: "delete twice", Method: "POST", Path: base + "/delete", Headers: e.admin.Bearer(), Status: 409, Code: "tenant_deleted"},
		{Name: "licence a deleted tenant", Method: "PUT", Path: base + "/license", Body: licenseBody(), Headers: e.admin.Bearer(),
			Status: 409, Code: "tenant_deleted"},
		{Name: "suspend a pending tenant", Method: "POST", Path: "/api/v1/tenants/" + e.register(t, "bolt").ID.String() + "/suspend",
			Headers: e.admin.Bearer(), Status: 409, Code: "tenant_not_active"},
		{Name: "resume a suspended tenant without a licence", Method: "POST", Path: "/api/v1/tenants/" + e.suspendedUnlicensed(t).String() + "/resume",
			Headers: e.admin.Bearer(), Status: 409, Code: "license_required"},
	})
	pushes := e.pushes(t, acme.ID)
	var got []string
	for _, p := range pushes {
		got = append(got, p.Status)
		if p.TenantID != acme.CloudTenantID || p.Plan != "enterprise" || !slices.Equal(p.Features, []string{"security"}) {
			t.Fatalf("push %+v does not carry the licence", p)
		}
	}
	if !slices.Equal(got, []string{"active", "suspended", "active", "deleted"}) {
		t.Fatalf("pushed %v", got)
	}
	var actions []string
	for _, a := range e.audit(t, acme.ID) {
		actions = append(actions, a.Action)
	}
	if !slices.Equal(actions, []string{"registrations.create", "tenants.license", "tenants.suspend", "tenants.resume", "tenants.delete"}) {
		t.Fatalf("audit actions %v", actions)
	}
}

// suspendedUnlicensed puts in a suspended tenant without a licence, a state
// the operator routes never produce but a resume must refuse.
func (e *env) suspendedUnlicensed(t *testing.T) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	err := e.db.QueryRowContext(context.Background(), `INSERT INTO tenants (cloud_tenant_id, account_name, organization_name, status, source)
		VALUES ($1, 'unlicensed', 'Unlicensed', 'suspended', 'operator') RETURNING id`, uuid.New()).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestTenantList(t *testing.T) {
	e := newEnv(t)
	e.licensed(t, "acme")
	e.register(t, "bolt")
	e.register(t, "acme-labs")
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "newest first", Method: "GET", Path: "/api/v1/tenants", Headers: e.support.Bearer(), Status: 200,
			Check: listed("acme-labs", "bolt", "acme")},
		{Name: "by status", Method: "GET", Path: "/api/v1/tenants?status=pending", Headers: e.support.Bearer(), Status: 200,
			Check: listed("acme-labs", "bolt")},
		{Name: "search in any case", Method: "GET", Path: "/api/v1/tenants?q=ORG%20ACME", Headers: e.support.Bearer(), Status: 200,
			Check: listed("acme-labs", "acme")},
		{Name: "search is literal", Method: "GET", Path: "/api/v1/tenants?q=%25", Headers: e.support.Bearer(), Status: 200,
			Check: listed()},
		{Name: "pages", Method: "GET", Path: "/api/v1/tenants?limit=2", Headers: e.support.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				var p page
				r.JSON(t, &p)
				if len(p.Items) != 2 || p.NextCursor == nil {
					t.Fatalf("first page %+v", p)
				}
				listed("acme")(t, e.Do(t, "GET", "/api/v1/tenants?limit=2&cursor="+*p.NextCursor, nil, e.support.Bearer()))
			}},
	})
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "unknown status", Method: "GET", Path: "/api/v1/tenants?status=gone", Headers: e.support.Bearer(), Status: 422, Check: fields("status")},
		{Name: "broken cursor", Method: "GET", Path: "/api/v1/tenants?cursor=nope", Headers: e.support.Bearer(), Status: 400, Code: "invalid_cursor"},
	})
}

func TestSupportReadsOnly(t *testing.T) {
	e := newEnv(t)
	acme := e.licensed(t, "acme")
	bolt := e.register(t, "bolt")
	base := "/api/v1/tenants/" + acme.ID.String()
	regs := "/api/v1/registrations/" + bolt.ID.String()
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "support reads a tenant with its licence and history", Method: "GET", Path: base, Headers: e.support.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				var d tenants.Detail
				r.JSON(t, &d)
				if d.ID != acme.ID || d.License == nil || d.License.Plan != "enterprise" || d.License.Notes != "annual contract" || len(d.History) != 1 {
					t.Fatalf("detail %+v", d)
				}
			}},
	})
	denied := func(name, method, path string, body any) apitest.Case {
		return apitest.Case{Name: name, Method: method, Path: path, Body: body, Headers: e.support.Bearer(), Status: 403, Code: "permission_denied"}
	}
	apitest.Run(t, e.Server.App(), "permission", []apitest.Case{
		denied("licence", "PUT", base+"/license", licenseBody()),
		denied("suspend", "POST", base+"/suspend", nil),
		denied("resume", "POST", base+"/resume", nil),
		denied("delete", "POST", base+"/delete", nil),
		denied("approve", "POST", regs+"/approve", licenseBody()),
		denied("reject", "POST", regs+"/reject", map[string]string{"reason": "no"}),
	})
	apitest.Run(t, e.Server.App(), "unauthenticated", []apitest.Case{
		{Name: "no token", Method: "GET", Path: "/api/v1/tenants", Status: 401},
		{Name: "the machine token is not an operator's", Method: "GET", Path: "/api/v1/tenants", Headers: bearer(machineToken), Status: 401},
	})
	if got := e.statuses(t, acme.ID); len(got) != 1 {
		t.Fatalf("refused changes were pushed: %v", got)
	}
}

func TestUnknownTenants(t *testing.T) {
	e := newEnv(t)
	unknown := "/api/v1/tenants/" + uuid.NewString()
	unknownReg := "/api/v1/registrations/" + uuid.NewString()
	notFound := func(name, method, path string, body any) apitest.Case {
		return apitest.Case{Name: name, Method: method, Path: path, Body: body, Headers: e.admin.Bearer(), Status: 404, Code: "not_found"}
	}
	apitest.Run(t, e.Server.App(), "not found", []apitest.Case{
		notFound("read", "GET", unknown, nil),
		notFound("licence", "PUT", unknown+"/license", licenseBody()),
		notFound("suspend", "POST", unknown+"/suspend", nil),
		notFound("resume", "POST", unknown+"/resume", nil),
		notFound("delete", "POST", unknown+"/delete", nil),
		notFound("approve", "POST", unknownReg+"/approve", licenseBody()),
		notFound("reject", "POST", unknownReg+"/reject", map[string]string{"reason": "no"}),
		notFound("malformed id", "GET", "/api/v1/tenants/not-a-uuid", nil),
		notFound("malformed id on a change", "POST", "/api/v1/tenants/not-a-uuid/suspend", nil),
		notFound("malformed registration id", "POST", "/api/v1/registrations/42/approve", licenseBody()),
	})
}

func TestInternalLicense(t *testing.T) {
	e := newEnv(t)
	acme := e.licensed(t, "acme")
	bolt := e.register(t, "bolt")
	path := func(id uuid.UUID) string { return "/internal/v1/tenants/" + id.String() + "/license" }
	var synced deliveries.Payload
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "a licensed tenant", Method: "GET", Path: path(acme.CloudTenantID), Headers: bearer(machineToken), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				r.JSON(t, &synced)
				if synced.TenantID != acme.CloudTenantID || synced.Status != "active" || synced.Plan != "enterprise" ||
					!slices.Equal(synced.Features, []string{"security"}) || synced.Limits["max_assets"] != 1000 ||
					synced.StartsAt == nil || synced.ExpiresAt == nil || synced.GraceDays != 14 || synced.EventID == "" || synced.IssuedAt.IsZero() {
					t.Fatalf("licence %+v", synced)
				}
			}},
		{Name: "a pending tenant has no licence yet", Method: "GET", Path: path(bolt.CloudTenantID), Headers: bearer(machineToken), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				var p deliveries.Payload
				r.JSON(t, &p)
				if p.Status != "pending" || p.Plan != "" || len(p.Features) != 0 {
					t.Fatalf("licence %+v", p)
				}
			}},
		{Name: "after a change the event id is new", Method: "POST", Path: "/api/v1/tenants/" + acme.ID.String() + "/suspend",
			Headers: e.admin.Bearer(), Status: 200, Check: func(t *testing.T, _ *apitest.Response) {
				var p deliveries.Payload
				e.Do(t, "GET", path(acme.CloudTenantID), nil, bearer(machineToken)).JSON(t, &p)
				if p.Status != "suspended" || p.EventID == synced.EventID || !p.IssuedAt.After(synced.IssuedAt) {
					t.Fatalf("after suspending %+v, before %+v", p, synced)
				}
			}},
	})
	apitest.Run(t, e.Server.App(), "not found", []apitest.Case{
		{Name: "unknown Cloud tenant", Method: "GET", Path: path(uuid.New()), Headers: bearer(machineToken), Status: 404, Code: "not_found"},
		{Name: "the management id is not the Cloud's", Method: "GET", Path: path(acme.ID), Headers: bearer(machineToken), Status: 404},
		{Name: "malformed id", Method: "GET", Path: "/internal/v1/tenants/acme/license", Headers: bearer(machineToken), Status: 404},
	})
	apitest.Run(t, e.Server.App(), "unauthenticated", []apitest.Case{
		{Name: "no token", Method: "GET", Path: path(acme.CloudTenantID), Status: 401, Code: "invalid_token"},
		{Name: "wrong token", Method: "GET", Path: path(acme.CloudTenantID), Headers: bearer("wrong"), Status: 401, Code: "invalid_token"},
	})
}

// TestRoutesAreDocumented: the tenant routes are in the OpenAPI document,
// which stays valid OpenAPI 3.1 with them.
func TestRoutesAreDocumented(t *testing.T) {
	e := newEnv(t)
	if missing := httpapi.Undocumented(e.Server); len(missing) > 0 {
		t.Fatalf("routes missing from the OpenAPI document: %v", missing)
	}
	r := e.Do(t, "GET", httpapi.OpenAPIPath, nil, nil)
	if r.Status != 200 {
		t.Fatalf("openapi.json: %d", r.Status)
	}
	apitest.AssertValidOpenAPI(t, r.Body)
}

// fields asserts a 422 names exactly these fields.
func fields(names ...string) func(t *testing.T, r *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var got []string
		for _, f := range r.Problem(t).Errors {
			got = append(got, f.Field)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(names))
		if !slices.Equal(got, want) {
			t.Fatalf("fields %v, want %v", got, want)
		}
	}
}
