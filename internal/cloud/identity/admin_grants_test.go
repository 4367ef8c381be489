package identity_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/identity"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// seedGroup writes a custom group with userID as its only member straight
// into the database, so the caller's grants do not depend on the endpoints
// under test.
func seedGroup(t *testing.T, e *cloudtest.Env, tenantID, userID uuid.UUID, name string, permissions ...string) uuid.UUID {
	t.Helper()
	db := adminDB(t, e)
	var id uuid.UUID
	if err := db.QueryRow(`INSERT INTO groups (tenant_id, name, permissions) VALUES ($1, $2, $3) RETURNING id`,
		tenantID, name, permissions).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO group_members (tenant_id, group_id, user_id) VALUES ($1, $2, $3)`,
		tenantID, id, userID); err != nil {
		t.Fatal(err)
	}
	return id
}

// groupState checks a group's permissions and member count.
func groupState(permissions []string, members int) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var g identity.Group
		r.JSON(t, &g)
		if !slices.Equal(g.Permissions, permissions) || g.MemberCount != members {
			t.Fatalf("group %s: %s", g.Name, r.Body)
		}
	}
}

// groupNames checks the first page of groups holds exactly these names.
func groupNames(want ...string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var page httpapi.Page[identity.Group]
		r.JSON(t, &page)
		var got []string
		for _, g := range page.Items {
			got = append(got, g.Name)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("groups %v, want %v", got, want)
		}
	}
}

// mePermissions checks the signed-in user holds exactly these keys.
func mePermissions(want ...string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var me struct {
			Permissions []string `json:"permissions"`
		}
		r.JSON(t, &me)
		if !slices.Equal(me.Permissions, want) {
			t.Fatalf("permissions %v, want %v", me.Permissions, want)
		}
	}
}

// TestGrantsWithinOwn: whoever manages groups or their members hands out
// only permissions they hold themselves, so nobody climbs to Admin.
func TestGrantsWithinOwn(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "escalate")
	managerID := seed(t, e, tenantID, seedUser{Email: "manager@escalate.example.com"})
	own := []string{"settings.groups.manage", "settings.groups.members", "assets.read"}
	managers := seedGroup(t, e, tenantID, managerID, "Managers", own...).String()
	eve := seed(t, e, tenantID, seedUser{Email: "eve@escalate.example.com"}).String()
	manager := e.Login(t, "manager@escalate.example.com")
	adminGroup := builtInGroup(t, e, tenantID, "admin").String()
	readOnly := builtInGroup(t, e, tenantID, "read_only").String()
	h, self := manager.Bearer(), managerID.String()

	var readers identity.Group
	apitest.Run(t, e.Server.App(), "within own grants", []apitest.Case{
		{Name: "create a group with a held key", Method: "POST", Path: groupsURL, Headers: h, Status: 201,
			Body:  map[string]any{"name": "Readers", "permissions": []string{"assets.read"}},
			Check: func(t *testing.T, r *apitest.Response) { r.JSON(t, &readers) }},
		{Name: "create a group without permissions", Method: "POST", Path: groupsURL, Headers: h, Status: 201,
			Body: map[string]any{"name": "Empty"}},
		{Name: "create a group with every held key", Method: "POST", Path: groupsURL, Headers: h, Status: 201,
			Body: map[string]any{"name": "Deputies", "permissions": own}},
	})
	id := readers.ID.String()
	apitest.Run(t, e.Server.App(), "members and edits within own grants", []apitest.Case{
		{Name: "add someone to a group of held keys", Method: "PUT", Path: groupsURL + "/" + id + "/members/" + eve, Headers: h, Status: 204},
		{Name: "add oneself to a group of held keys", Method: "PUT", Path: groupsURL + "/" + id + "/members/" + self, Headers: h, Status: 204},
		{Name: "add someone to the own group", Method: "PUT", Path: groupsURL + "/" + managers + "/members/" + eve, Headers: h, Status: 204},
		{Name: "rename without touching permissions", Method: "PATCH", Path: groupsURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"name": "Asset readers", "permissions": []string{"assets.read"}, "version": 1}},
	})

	before := len(auditLog(t, e, tenantID))
	refused := []apitest.Case{
		{Name: "create with a wildcard over unheld keys", Method: "POST", Path: groupsURL,
			Body: map[string]any{"name": "Assets", "permissions": []string{"assets.*"}}},
		{Name: "create with everything", Method: "POST", Path: groupsURL,
			Body: map[string]any{"name": "Root", "permissions": []string{"*"}}},
		{Name: "create with an unheld key", Method: "POST", Path: groupsURL,
			Body: map[string]any{"name": "User admins", "permissions": []string{"settings.users.manage"}}},
		{Name: "create with held and unheld keys", Method: "POST", Path: groupsURL,
			Body: map[string]any{"name": "Mixed", "permissions": []string{"assets.read", "assets.delete"}}},
		{Name: "widen a group with a wildcard", Method: "PATCH", Path: groupsURL + "/" + id,
			Body: map[string]any{"permissions": []string{"assets.*"}, "version": 2}},
		{Name: "widen a group to everything", Method: "PATCH", Path: groupsURL + "/" + id,
			Body: map[string]any{"permissions": []string{"*"}, "version": 2}},
		{Name: "widen the own group", Method: "PATCH", Path: groupsURL + "/" + managers,
			Body: map[string]any{"permissions": append(slices.Clone(own), "settings.users.manage"), "version": 1}},
		{Name: "add oneself to Admin", Method: "PUT", Path: groupsURL + "/" + adminGroup + "/members/" + self},
		{Name: "add someone else to Admin", Method: "PUT", Path: groupsURL + "/" + adminGroup + "/members/" + eve},
		{Name: "add oneself to Read only", Method: "PUT", Path: groupsURL + "/" + readOnly + "/members/" + self},
	}
	for i := range refused {
		refused[i].Headers, refused[i].Status, refused[i].Code = h, 403, "grant_exceeds_own"
	}
	apitest.Run(t, e.Server.App(), "beyond own grants", refused)

	// The manager may not read groups, so the admin looks.
	apitest.Run(t, e.Server.App(), "nothing changed", []apitest.Case{
		{Name: "group keeps its permissions", Method: "GET", Path: groupsURL + "/" + id, Headers: admin.Bearer(), Status: 200,
			Check: groupState([]string{"assets.read"}, 2)},
		{Name: "own group keeps its permissions", Method: "GET", Path: groupsURL + "/" + managers, Headers: admin.Bearer(), Status: 200,
			Check: groupState(own, 2)},
		{Name: "no refused group was created", Method: "GET", Path: groupsURL, Headers: admin.Bearer(), Status: 200,
			Check: groupNames("Admin", "Asset readers", "Deputies", "Empty", "Managers", "Read only")},
		{Name: "Admin keeps its one member", Method: "GET", Path: groupsURL + "/" + adminGroup, Headers: admin.Bearer(), Status: 200,
			Check: groupState([]string{"*"}, 1)},
		{Name: "the manager holds no more than before", Method: "GET", Path: "/api/v1/me", Headers: h, Status: 200,
			Check: mePermissions("assets.read", "settings.groups.manage", "settings.groups.members")},
	})
	if after := len(auditLog(t, e, tenantID)); after != before {
		t.Fatalf("refused attempts wrote %d audit records", after-before)
	}

	apitest.Run(t, e.Server.App(), "the tenant admin is unaffected", []apitest.Case{
		{Name: "create with everything", Method: "POST", Path: groupsURL, Headers: admin.Bearer(), Status: 201,
			Body: map[string]any{"name": "Root", "permissions": []string{"*"}}},
		{Name: "widen a group to everything", Method: "PATCH", Path: groupsURL + "/" + id, Headers: admin.Bearer(), Status: 200,
			Body: map[string]any{"permissions": []string{"*"}, "version": 2}},
		{Name: "add the manager to Admin", Method: "PUT", Path: groupsURL + "/" + adminGroup + "/members/" + self, Headers: admin.Bearer(), Status: 204},
		{Name: "as an Admin the manager may hand out everything", Method: "POST", Path: groupsURL, Headers: h, Status: 201,
			Body: map[string]any{"name": "Root too", "permissions": []string{"*"}}},
	})
}
