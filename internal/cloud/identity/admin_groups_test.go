package identity_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/identity"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

func TestGroupLifecycle(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "groups")
	adminID := signedInUser(t, e, admin).String()
	h := admin.Bearer()

	var created identity.Group
	apitest.Run(t, e.Server.App(), "create", []apitest.Case{
		{Name: "a group, repeated grants dropped", Method: "POST", Path: groupsURL, Headers: h, Status: 201,
			Body: map[string]any{"name": "  Engineers ", "description": "Site engineers", "permissions": []string{"assets.read", "incidents.*", "assets.read"}},
			Check: func(t *testing.T, r *apitest.Response) {
				r.JSON(t, &created)
				if created.Name != "Engineers" || created.Version != 1 || created.MemberCount != 0 || created.BuiltIn != "" ||
					!slices.Equal(created.Permissions, []string{"assets.read", "incidents.*"}) {
					t.Fatalf("created %+v", created)
				}
			}},
	})
	id := created.ID.String()
	engineer := seed(t, e, tenantID, seedUser{Email: "eve@groups.example.com", DisplayName: "Eve Engineer"}).String()

	apitest.Run(t, e.Server.App(), "read", []apitest.Case{
		{Name: "list in name order with member counts", Method: "GET", Path: groupsURL, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var page httpapi.Page[identity.Group]
			r.JSON(t, &page)
			var names []string
			for _, g := range page.Items {
				names = append(names, g.Name)
				if g.Name == "Admin" && (g.MemberCount != 1 || g.BuiltIn != "admin" || !slices.Equal(g.Permissions, []string{"*"})) {
					t.Errorf("Admin: %+v", g)
				}
			}
			if !slices.Equal(names, []string{"Admin", "Engineers", "Read only"}) || page.NextCursor != nil {
				t.Fatalf("list: %s", r.Body)
			}
		}},
		{Name: "get", Method: "GET", Path: groupsURL + "/" + id, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var g identity.GroupDetail
			r.JSON(t, &g)
			if g.Description != "Site engineers" || g.Members == nil || len(g.Members) != 0 {
				t.Fatalf("get: %s", r.Body)
			}
		}},
	})

	apitest.Run(t, e.Server.App(), "update and members", []apitest.Case{
		{Name: "rename and change grants", Method: "PATCH", Path: groupsURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"name": "Field engineers", "permissions": []string{"assets.*", "settings.groups.read"}, "version": 1},
			Check: func(t *testing.T, r *apitest.Response) {
				var g identity.Group
				r.JSON(t, &g)
				if g.Name != "Field engineers" || g.Description != "Site engineers" || g.Version != 2 {
					t.Fatalf("patched %+v", g)
				}
			}},
		{Name: "the same values again change nothing", Method: "PATCH", Path: groupsURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"name": "Field engineers", "permissions": []string{"settings.groups.read", "assets.*"}, "version": 2},
			Check: func(t *testing.T, r *apitest.Response) {
				var g identity.Group
				r.JSON(t, &g)
				if g.Version != 2 {
					t.Fatalf("a patch without changes bumped the version: %+v", g)
				}
			}},
		{Name: "add a member", Method: "PUT", Path: groupsURL + "/" + id + "/members/" + engineer, Headers: h, Status: 204},
		{Name: "adding twice is fine", Method: "PUT", Path: groupsURL + "/" + id + "/members/" + engineer, Headers: h, Status: 204},
		{Name: "add the admin too", Method: "PUT", Path: groupsURL + "/" + id + "/members/" + adminID, Headers: h, Status: 204},
		{Name: "members in e-mail order", Method: "GET", Path: groupsURL + "/" + id, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var g identity.GroupDetail
			r.JSON(t, &g)
			if g.MemberCount != 2 || len(g.Members) != 2 || g.Members[0].ID.String() != adminID ||
				g.Members[1].Email != "eve@groups.example.com" || g.Members[1].DisplayName != "Eve Engineer" {
				t.Fatalf("members: %s", r.Body)
			}
		}},
		{Name: "the user shows the group", Method: "GET", Path: usersURL + "/" + engineer, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var u identity.UserDetail
			r.JSON(t, &u)
			if len(u.Groups) != 1 || u.Groups[0].ID != created.ID || u.Groups[0].Name != "Field engineers" {
				t.Fatalf("user groups: %s", r.Body)
			}
		}},
	})

	// Grants follow group changes at once: the cached grants are dropped.
	eve := e.Login(t, "eve@groups.example.com")
	apitest.Run(t, e.Server.App(), "grants follow the group", []apitest.Case{
		{Name: "member reads groups", Method: "GET", Path: groupsURL, Headers: eve.Bearer(), Status: 200},
		{Name: "grant taken away", Method: "PATCH", Path: groupsURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"permissions": []string{"assets.*"}, "version": 2}},
		{Name: "member is refused at once", Method: "GET", Path: groupsURL, Headers: eve.Bearer(), Status: 403, Code: "permission_denied"},
		{Name: "grant given back", Method: "PATCH", Path: groupsURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"permissions": []string{"settings.groups.read"}, "version": 3}},
		{Name: "member reads again", Method: "GET", Path: groupsURL, Headers: eve.Bearer(), Status: 200},
		{Name: "remove the member", Method: "DELETE", Path: groupsURL + "/" + id + "/members/" + engineer, Headers: h, Status: 204},
		{Name: "removing twice is fine", Method: "DELETE", Path: groupsURL + "/" + id + "/members/" + engineer, Headers: h, Status: 204},
		{Name: "former member is refused at once", Method: "GET", Path: groupsURL, Headers: eve.Bearer(), Status: 403, Code: "permission_denied"},
	})

	apitest.Run(t, e.Server.App(), "delete", []apitest.Case{
		{Name: "delete", Method: "DELETE", Path: groupsURL + "/" + id, Headers: h, Status: 204},
		{Name: "gone", Method: "GET", Path: groupsURL + "/" + id, Headers: h, Status: 404, Code: "not_found"},
		{Name: "deleting again", Method: "DELETE", Path: groupsURL + "/" + id, Headers: h, Status: 404, Code: "not_found"},
		{Name: "the admin keeps Admin", Method: "GET", Path: usersURL + "/" + adminID, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var u identity.UserDetail
			r.JSON(t, &u)
			if len(u.Groups) != 1 || u.Groups[0].Name != "Admin" {
				t.Fatalf("admin's groups: %s", r.Body)
			}
		}},
	})

	log := auditLog(t, e, tenantID)
	actions := actionsOf(log)
	for _, want := range []string{"groups.create", "groups.update", "groups.members.add", "groups.members.remove", "groups.delete"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit log lacks %s: %v", want, actions)
		}
	}
	if n := strings.Count(strings.Join(actions, " "), "groups.members.add"); n != 2 {
		t.Errorf("%d groups.members.add records, want 2 (adding twice is no change)", n)
	}
	for _, a := range log {
		if a.Action == "groups.update" {
			if c, ok := a.Changes["name"]; !ok || string(c.Before) != `"Engineers"` || string(c.After) != `"Field engineers"` {
				t.Errorf("first groups.update changes: %+v", a.Changes)
			}
			if _, ok := a.Changes["description"]; ok {
				t.Errorf("unchanged description recorded: %+v", a.Changes)
			}
			break
		}
	}
}

func TestGroupValidation(t *testing.T) {
	e := cloudtest.New(t)
	_, admin := e.ActiveTenant(t, "checks")
	h := admin.Bearer()
	id := createGroup(t, e, admin, "Operators", "assets.read").ID.String()
	ok(t, e.Do(t, "PATCH", groupsURL+"/"+id, map[string]any{"description": "Night shift", "version": 1}, h))

	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "unknown permission", Method: "POST", Path: groupsURL, Headers: h, Status: 422, Check: fieldError("permissions[1]"),
			Body: map[string]any{"name": "Bad", "permissions": []string{"assets.read", "assets.fly"}}},
		{Name: "malformed wildcard", Method: "POST", Path: groupsURL, Headers: h, Status: 422, Check: fieldError("permissions[0]"),
			Body: map[string]any{"name": "Bad", "permissions": []string{"*.read"}}},
		{Name: "name of a built-in group, other case", Method: "POST", Path: groupsURL, Headers: h, Status: 422, Check: fieldError("name"),
			Body: map[string]any{"name": "ADMIN"}},
		{Name: "name taken, other case", Method: "POST", Path: groupsURL, Headers: h, Status: 422, Check: fieldError("name"),
			Body: map[string]any{"name": "operators"}},
		{Name: "blank name", Method: "POST", Path: groupsURL, Headers: h, Status: 422, Check: fieldError("name"),
			Body: map[string]any{"name": "   "}},
		{Name: "name too long", Method: "POST", Path: groupsURL, Headers: h, Status: 422, Check: fieldError("name"),
			Body: map[string]any{"name": strings.Repeat("n", 101)}},
		{Name: "description too long", Method: "POST", Path: groupsURL, Headers: h, Status: 422, Check: fieldError("description"),
			Body: map[string]any{"name": "Long", "description": strings.Repeat("d", 1001)}},
		{Name: "rename onto another group", Method: "PATCH", Path: groupsURL + "/" + id, Headers: h, Status: 422, Check: fieldError("name"),
			Body: map[string]any{"name": "read only", "version": 2}},
		{Name: "patch without version", Method: "PATCH", Path: groupsURL + "/" + id, Headers: h, Status: 422, Check: fieldError("version"),
			Body: map[string]any{"name": "Ops"}},
		{Name: "bad permission in a patch", Method: "PATCH", Path: groupsURL + "/" + id, Headers: h, Status: 422, Check: fieldError("permissions[0]"),
			Body: map[string]any{"permissions": []string{"nope"}, "version": 2}},
	})
	apitest.Run(t, e.Server.App(), "stale version", []apitest.Case{
		{Name: "patch at version 1", Method: "PATCH", Path: groupsURL + "/" + id, Headers: h, Status: 409, Code: "version_conflict",
			Body: map[string]any{"name": "Ops", "version": 1}},
		{Name: "nothing was changed", Method: "GET", Path: groupsURL + "/" + id, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var g identity.Group
			r.JSON(t, &g)
			if g.Name != "Operators" || g.Description != "Night shift" || g.Version != 2 {
				t.Fatalf("group: %+v", g)
			}
		}},
	})
}

func TestBuiltInGroups(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "builtins")
	h := admin.Bearer()
	adminGroup := builtInGroup(t, e, tenantID, "admin").String()
	readOnly := builtInGroup(t, e, tenantID, "read_only").String()

	apitest.Run(t, e.Server.App(), "protected", []apitest.Case{
		{Name: "delete Admin", Method: "DELETE", Path: groupsURL + "/" + adminGroup, Headers: h, Status: 409, Code: "built_in_group"},
		{Name: "delete Read only", Method: "DELETE", Path: groupsURL + "/" + readOnly, Headers: h, Status: 409, Code: "built_in_group"},
		{Name: "rename Admin", Method: "PATCH", Path: groupsURL + "/" + adminGroup, Headers: h, Status: 409, Code: "built_in_group",
			Body: map[string]any{"name": "Owners", "version": 1}},
		{Name: "rename Read only by case", Method: "PATCH", Path: groupsURL + "/" + readOnly, Headers: h, Status: 409, Code: "built_in_group",
			Body: map[string]any{"name": "READ ONLY", "version": 1}},
		{Name: "narrow Admin", Method: "PATCH", Path: groupsURL + "/" + adminGroup, Headers: h, Status: 409, Code: "built_in_group",
			Body: map[string]any{"permissions": []string{"assets.read"}, "version": 1}},
		{Name: "widen Read only", Method: "PATCH", Path: groupsURL + "/" + readOnly, Headers: h, Status: 409, Code: "built_in_group",
			Body: map[string]any{"permissions": []string{"*"}, "version": 1}},
	})
	apitest.Run(t, e.Server.App(), "allowed", []apitest.Case{
		{Name: "describe Admin, repeating its name and grants", Method: "PATCH", Path: groupsURL + "/" + adminGroup, Headers: h, Status: 200,
			Body: map[string]any{"name": "Admin", "description": "The owners", "permissions": []string{"*"}, "version": 1},
			Check: func(t *testing.T, r *apitest.Response) {
				var g identity.Group
				r.JSON(t, &g)
				if g.Description != "The owners" || g.Version != 2 || g.BuiltIn != "admin" {
					t.Fatalf("Admin: %+v", g)
				}
			}},
		{Name: "Admin still grants everything", Method: "GET", Path: "/api/v1/me", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if !strings.Contains(string(r.Body), "settings.groups.manage") {
				t.Fatalf("/me: %s", r.Body)
			}
		}},
	})
}

func TestGroupPages(t *testing.T) {
	e := cloudtest.New(t)
	_, admin := e.ActiveTenant(t, "pages")
	for _, name := range []string{"gamma", "Beta", "alpha"} {
		createGroup(t, e, admin, name)
	}
	var names []string
	path := groupsURL + "?limit=2"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatalf("too many pages: %v", names)
		}
		var page httpapi.Page[identity.Group]
		ok(t, e.Do(t, "GET", path, nil, admin.Bearer())).JSON(t, &page)
		if len(page.Items) > 2 {
			t.Fatalf("%d items on a page of 2", len(page.Items))
		}
		for _, g := range page.Items {
			names = append(names, g.Name)
		}
		path = ""
		if page.NextCursor != nil {
			path = groupsURL + "?limit=2&cursor=" + *page.NextCursor
		}
	}
	if want := []string{"Admin", "alpha", "Beta", "gamma", "Read only"}; !slices.Equal(names, want) {
		t.Fatalf("pages gave %v, want %v", names, want)
	}
}
