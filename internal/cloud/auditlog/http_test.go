package auditlog_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/auditlog"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/requestmeta"
)

// items decodes a list response for a Check.
func items(t *testing.T, r *apitest.Response) []auditlog.Entry {
	t.Helper()
	var p httpapi.Page[auditlog.Entry]
	r.JSON(t, &p)
	if p.NextCursor != nil {
		t.Fatalf("unexpected next page: %s", r.Body)
	}
	return p.Items
}

// onlyActions checks the response lists exactly these actions, in any order.
func onlyActions(want ...string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		got := actions(items(t, r))
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("actions %v, want %v", got, want)
		}
	}
}

// invalidFields checks a 422 names exactly these fields, in any order.
func invalidFields(want ...string) func(*testing.T, *apitest.Response) {
	slices.Sort(want)
	return func(t *testing.T, r *apitest.Response) {
		var got []string
		for _, f := range r.Problem(t).Errors {
			got = append(got, f.Field)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("invalid fields %v, want %v; body: %s", got, want, r.Body)
		}
	}
}

func TestListShowsTheTenantsEntries(t *testing.T) {
	e := newEnv(t)
	acme := e.org(t, "acme")

	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "registration, licence and sign-in are recorded", Method: "GET", Path: listPath, Headers: acme.Admin.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				entries := items(t, r)
				if got := actions(entries); !slices.Equal(got, []string{"auth.login", "licence.apply", "auth.register"}) {
					t.Fatalf("actions newest first: %v", got)
				}
				login, licence, register := entries[0], entries[1], entries[2]
				if !sameActor(login.Actor, "user", acme.AdminID, acme.Email) {
					t.Fatalf("login actor %+v", login.Actor)
				}
				if login.ResourceType != "session" || login.RequestID == "" || login.At.IsZero() || login.At.Location() != time.UTC {
					t.Fatalf("login entry %+v", login)
				}
				if register.ResourceType != "tenant" || register.ResourceID != acme.ID.String() || register.Summary == "" {
					t.Fatalf("register entry %+v", register)
				}
				if licence.Actor.Type != "system" || licence.Actor.ID != nil || licence.Changes["licence"] == nil {
					t.Fatalf("licence entry %+v", licence)
				}
				if register.Changes == nil || !strings.Contains(string(r.Body), `"changes":{}`) {
					t.Fatalf("changes must be an object, even when empty: %s", r.Body)
				}
			}},
	})
}

// TestUserActionsNameTheUser: every entry a signed-in user causes names them
// by e-mail, not only sign-ins, and keeps naming them once they are removed.
func TestUserActionsNameTheUser(t *testing.T) {
	e := newEnv(t)
	acme := e.org(t, "acme")
	const editorEmail = "editor@acme.example.com"
	editor := e.UserWithPermissions(t, acme.ID, editorEmail, "sites.create")
	editorID := e.userID(t, editor)
	for _, c := range []struct {
		by   cloudtest.Session
		site string
	}{{acme.Admin, "Rotterdam"}, {editor, "Delft"}} {
		if r := e.Do(t, "POST", "/api/v1/sites", map[string]any{"name": c.site}, c.by.Bearer()); r.Status != 201 {
			t.Fatalf("create site %s: %d %s", c.site, r.Status, r.Body)
		}
	}
	if r := e.Do(t, "DELETE", "/api/v1/settings/users/"+editorID.String(), nil, acme.Admin.Bearer()); r.Status != 204 {
		t.Fatalf("remove the editor: %d %s", r.Status, r.Body)
	}
	byAction := func(action string, want ...auditlog.Actor) func(*testing.T, *apitest.Response) {
		return func(t *testing.T, r *apitest.Response) {
			entries := items(t, r)
			if len(entries) != len(want) {
				t.Fatalf("%d %s entries, want %d: %s", len(entries), action, len(want), r.Body)
			}
			for i, w := range want {
				if !sameActor(entries[i].Actor, w.Type, *w.ID, w.Label) {
					t.Fatalf("%s entry %d: actor %+v, want %+v", action, i, entries[i].Actor, w)
				}
			}
		}
	}
	admin := auditlog.Actor{Type: "user", ID: &acme.AdminID, Label: acme.Email}
	removed := auditlog.Actor{Type: "user", ID: &editorID, Label: editorEmail}
	h := acme.Admin.Bearer()
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "site creations, newest first", Method: "GET", Path: listPath + "?action=sites.create", Headers: h, Status: 200,
			Check: byAction("sites.create", removed, admin)},
		{Name: "the removal", Method: "GET", Path: listPath + "?action=users.delete", Headers: h, Status: 200,
			Check: byAction("users.delete", admin)},
		{Name: "the export too", Method: "GET", Path: listPath + "/export?action=sites.create", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				for _, email := range []string{acme.Email, editorEmail} {
					if !strings.Contains(string(r.Body), ","+email+",") {
						t.Fatalf("the export lacks %s: %s", email, r.Body)
					}
				}
			}},
	})
}

func sameActor(a auditlog.Actor, kind string, id uuid.UUID, label string) bool {
	return a.Type == kind && a.ID != nil && *a.ID == id && a.Label == label
}

func TestListFilters(t *testing.T) {
	e := newEnv(t)
	acme := e.org(t, "acme")
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	e.writeAt(t, acme.ID, "test.timed.first", day)
	e.writeAt(t, acme.ID, "test.timed.second", day.Add(24*time.Hour))
	e.writeAt(t, acme.ID, "test.timed.third", day.Add(48*time.Hour))
	e.write(t, acme.ID, requestmeta.Meta{},
		audit.Record{Action: "sites.update", ResourceType: "site", ResourceID: "site-1"},
		audit.Record{Action: "sites.delete", ResourceType: "site", ResourceID: "site-2"})
	path := func(kv ...string) string {
		q := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		return withQuery(listPath, q)
	}
	at := func(d time.Duration) string { return day.Add(d).Format(time.RFC3339) }
	h := acme.Admin.Bearer()

	apitest.Run(t, e.Server.App(), "filters", []apitest.Case{
		{Name: "action prefix", Method: "GET", Path: path("action", "auth.*"), Headers: h, Status: 200,
			Check: onlyActions("auth.login", "auth.register")},
		{Name: "nested action prefix", Method: "GET", Path: path("action", "test.timed.*"), Headers: h, Status: 200,
			Check: onlyActions("test.timed.first", "test.timed.second", "test.timed.third")},
		{Name: "exact action", Method: "GET", Path: path("action", "licence.apply"), Headers: h, Status: 200,
			Check: onlyActions("licence.apply")},
		{Name: "an exact action is not a prefix", Method: "GET", Path: path("action", "auth"), Headers: h, Status: 200,
			Check: onlyActions()},
		{Name: "resource type", Method: "GET", Path: path("resource_type", "site"), Headers: h, Status: 200,
			Check: onlyActions("sites.update", "sites.delete")},
		{Name: "resource type and id", Method: "GET", Path: path("resource_type", "site", "resource_id", "site-2"), Headers: h, Status: 200,
			Check: onlyActions("sites.delete")},
		{Name: "the tenant as a resource", Method: "GET", Path: path("resource_id", acme.ID.String()), Headers: h, Status: 200,
			Check: onlyActions("auth.register", "licence.apply")},
		{Name: "actor", Method: "GET", Path: path("actor_id", acme.AdminID.String()), Headers: h, Status: 200,
			Check: onlyActions("auth.login", "auth.register")},
		{Name: "from is inclusive, to exclusive", Method: "GET", Path: path("from", at(24*time.Hour), "to", at(48*time.Hour)), Headers: h, Status: 200,
			Check: onlyActions("test.timed.second")},
		{Name: "from alone", Method: "GET", Path: path("action", "test.*", "from", at(24*time.Hour)), Headers: h, Status: 200,
			Check: onlyActions("test.timed.second", "test.timed.third")},
		{Name: "to alone", Method: "GET", Path: path("to", at(24*time.Hour)), Headers: h, Status: 200,
			Check: onlyActions("test.timed.first")},
		{Name: "offsets and fractions", Method: "GET", Path: path("from", "2024-03-02T02:00:00.000+02:00", "to", "2024-03-02T00:00:00.000001Z"), Headers: h, Status: 200,
			Check: onlyActions("test.timed.second")},
		{Name: "nothing matches", Method: "GET", Path: path("action", "nothing.here"), Headers: h, Status: 200,
			Check: onlyActions()},
	})
}

func TestPagingWalksEveryEntryOnce(t *testing.T) {
	e := newEnv(t)
	acme := e.org(t, "acme")
	var seeded []audit.Record
	for i := range 7 {
		seeded = append(seeded, audit.Record{Action: "test.page", ResourceID: string(rune('a' + i))})
	}
	e.write(t, acme.ID, requestmeta.Meta{}, seeded...) // one transaction: one time, ties broken by id
	e.writeAt(t, acme.ID, "test.old", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))

	for _, filter := range []url.Values{{}, {"action": {"test.*"}}} {
		want := e.all(t, acme.Admin, filter)
		var walked []uuid.UUID
		query := url.Values{"limit": {"3"}}
		for k, v := range filter {
			query[k] = v
		}
		for pages := 1; ; pages++ {
			if pages > len(want) {
				t.Fatal("paging does not end")
			}
			p := e.page(t, acme.Admin, query)
			if len(p.Items) > 3 {
				t.Fatalf("page of %d items with limit 3", len(p.Items))
			}
			walked = append(walked, ids(p.Items)...)
			if p.NextCursor == nil {
				break
			}
			query.Set("cursor", *p.NextCursor)
		}
		if !slices.Equal(walked, ids(want)) {
			t.Fatalf("filter %v: walked %v, want %v", filter, walked, ids(want))
		}
		for i := 1; i < len(want); i++ {
			prev, cur := want[i-1], want[i]
			if cur.At.After(prev.At) || (cur.At.Equal(prev.At) && cur.ID.String() >= prev.ID.String()) {
				t.Fatalf("not newest first at %d: %v then %v", i, prev, cur)
			}
		}
	}
}

func TestListRefusesBadParameters(t *testing.T) {
	e := newEnv(t)
	acme := e.org(t, "acme")
	h := acme.Admin.Bearer()
	bad := func(name, query string, fields ...string) apitest.Case {
		return apitest.Case{Name: name, Method: "GET", Path: listPath + "?" + query, Headers: h, Status: 422,
			Code: "validation_failed", Check: invalidFields(fields...)}
	}
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		bad("actor id not a UUID", "actor_id=admin", "actor_id"),
		bad("star without a dot", "action=auth*", "action"),
		bad("star alone", "action=*", "action"),
		bad("star inside", "action=auth.*.login", "action"),
		bad("action too long", "action="+strings.Repeat("a", 101), "action"),
		bad("resource id too long", "resource_id="+strings.Repeat("r", 201), "resource_id"),
		bad("NUL in a value", "resource_type=user%00", "resource_type"),
		bad("invalid UTF-8", "resource_id=%FF%FE", "resource_id"),
		bad("date without time", "from=2024-03-01", "from"),
		bad("unencoded plus", "to=2024-03-01T00:00:00+02:00", "to"),
		bad("not a time", "to=yesterday", "to"),
		bad("empty range", "from=2024-03-01T00:00:00Z&to=2024-03-01T00:00:00Z", "to"),
		bad("reversed range", "from=2024-03-02T00:00:00Z&to=2024-03-01T00:00:00Z", "to"),
		bad("limit zero", "limit=0", "limit"),
		bad("limit not a number", "limit=ten", "limit"),
		bad("unknown parameter", "actor=someone", "actor"),
		bad("repeated parameter", "action=auth.login&action=auth.logout", "action"),
		bad("every problem at once", "actor_id=x&action=*&from=soon&limit=-1", "actor_id", "action", "from", "limit"),
	})
	apitest.Run(t, e.Server.App(), "malformed cursor", []apitest.Case{
		{Name: "not base64", Method: "GET", Path: listPath + "?cursor=%%%", Headers: h, Status: 400, Code: "invalid_cursor"},
		{Name: "not a position", Method: "GET", Path: listPath + "?cursor=" + httpapi.EncodeCursor("x", "y"), Headers: h, Status: 400, Code: "invalid_cursor"},
		{Name: "too few keys", Method: "GET", Path: listPath + "?cursor=" + httpapi.EncodeCursor(time.Now()), Headers: h, Status: 400, Code: "invalid_cursor"},
	})
}

func TestAccessNeedsThePermission(t *testing.T) {
	e := newEnv(t)
	acme := e.org(t, "acme")
	reader := e.userWithoutGroups(t, acme.ID, "nobody@acme.example.com")
	paths := []string{listPath, listPath + "/export", listPath + "/export?format=json"}
	var unauthenticated, denied []apitest.Case
	for _, p := range paths {
		unauthenticated = append(unauthenticated, apitest.Case{Name: p, Method: "GET", Path: p, Status: 401})
		denied = append(denied, apitest.Case{Name: p, Method: "GET", Path: p, Headers: reader.Bearer(), Status: 403, Code: "permission_denied"})
	}
	apitest.Run(t, e.Server.App(), "no token", unauthenticated)
	apitest.Run(t, e.Server.App(), "without settings.audit.read", denied)
	if got := e.all(t, acme.Admin, url.Values{"action": {"audit.export"}}); len(got) != 0 {
		t.Fatalf("refused exports were recorded: %v", got)
	}
}

func TestCrossTenant(t *testing.T) {
	e := newEnv(t)
	acme, globex := e.org(t, "acme"), e.org(t, "globex")
	acmeEntries := e.all(t, acme.Admin, nil)
	h := globex.Admin.Bearer()
	noneOfAcme := func(t *testing.T, r *apitest.Response) {
		for _, secret := range []string{acme.ID.String(), acme.AdminID.String(), acme.Email} {
			if strings.Contains(string(r.Body), secret) {
				t.Fatalf("globex sees acme's %s: %s", secret, r.Body)
			}
		}
		for _, id := range ids(acmeEntries) {
			if strings.Contains(string(r.Body), id.String()) {
				t.Fatalf("globex sees acme's entry %s", id)
			}
		}
	}
	empty := func(t *testing.T, r *apitest.Response) {
		if got := items(t, r); len(got) != 0 {
			t.Fatalf("globex got %d entries", len(got))
		}
	}
	apitest.Run(t, e.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "list", Method: "GET", Path: listPath, Headers: h, Status: 200, Check: noneOfAcme},
		{Name: "filter by acme's admin", Method: "GET", Path: listPath + "?actor_id=" + acme.AdminID.String(), Headers: h, Status: 200, Check: empty},
		{Name: "filter by acme as a resource", Method: "GET", Path: listPath + "?resource_id=" + acme.ID.String(), Headers: h, Status: 200, Check: empty},
		{Name: "cursor from acme's pages", Method: "GET", Path: listPath + "?cursor=" + httpapi.EncodeCursor(time.Now().Add(time.Hour), uuid.Max), Headers: h, Status: 200, Check: noneOfAcme},
		{Name: "CSV export", Method: "GET", Path: listPath + "/export", Headers: h, Status: 200, Check: noneOfAcme},
		{Name: "JSON export", Method: "GET", Path: listPath + "/export?format=json", Headers: h, Status: 200, Check: noneOfAcme},
		{Name: "export filtered by acme's admin", Method: "GET", Path: listPath + "/export?format=json&actor_id=" + acme.AdminID.String(), Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if strings.TrimSpace(string(r.Body)) != "[\n]" {
					t.Fatalf("want an empty array: %s", r.Body)
				}
			}},
	})
	if got := e.all(t, acme.Admin, url.Values{"action": {"audit.export"}}); len(got) != 0 {
		t.Fatalf("globex's exports landed in acme's log: %v", got)
	}
}

func TestOpenAPIDocumentsTheRoutes(t *testing.T) {
	e := newEnv(t)
	r := e.Do(t, "GET", httpapi.OpenAPIPath, nil, nil)
	apitest.AssertValidOpenAPI(t, r.Body)
	for _, want := range []string{`"/api/v1/settings/audit"`, `"/api/v1/settings/audit/export"`, `"x-permission":"settings.audit.read"`} {
		if !strings.Contains(string(r.Body), want) {
			t.Fatalf("the document lacks %s", want)
		}
	}
}
