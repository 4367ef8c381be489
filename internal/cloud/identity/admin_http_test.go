package identity_test

import (
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/identity"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

const (
	groupsURL      = "/api/v1/settings/groups"
	usersURL       = "/api/v1/settings/users"
	permissionsURL = "/api/v1/settings/permissions"
)

// passwordHash is computed once: bcrypt at cost 12 is slow on purpose.
var passwordHash = sync.OnceValues(func() (string, error) { return auth.NewPasswords(cloudtest.PasswordCost).Hash(cloudtest.Password) })

// seedUser is a user written straight into the database, as invitations
// would create them.
type seedUser struct {
	Email       string
	DisplayName string
	Status      identity.UserStatus // active when empty
	BuiltIn     string              // built-in group to join: "admin", "read_only" or none
}

// adminDB connects as the database superuser, around row-level security.
func adminDB(t *testing.T, e *cloudtest.Env) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func seed(t *testing.T, e *cloudtest.Env, tenantID uuid.UUID, u seedUser) uuid.UUID {
	t.Helper()
	hash, err := passwordHash()
	if err != nil {
		t.Fatal(err)
	}
	status, name := u.Status, u.DisplayName
	if status == "" {
		status = identity.UserActive
	}
	if name == "" {
		name = strings.Split(u.Email, "@")[0]
	}
	var hashArg *string
	if status != identity.UserInvited {
		hashArg = &hash
	}
	db := adminDB(t, e)
	var id uuid.UUID
	if err := db.QueryRow(`INSERT INTO users (tenant_id, email, display_name, status, password_hash)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, tenantID, u.Email, name, string(status), hashArg).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if u.BuiltIn != "" {
		if _, err := db.Exec(`INSERT INTO group_members (tenant_id, group_id, user_id)
			SELECT $1, id, $2 FROM groups WHERE tenant_id = $1 AND built_in = $3`, tenantID, id, u.BuiltIn); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func builtInGroup(t *testing.T, e *cloudtest.Env, tenantID uuid.UUID, builtIn string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	if err := adminDB(t, e).QueryRow(`SELECT id FROM groups WHERE tenant_id = $1 AND built_in = $2`, tenantID, builtIn).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// signedInUser is the id of the session's user, from /me.
func signedInUser(t *testing.T, e *cloudtest.Env, s cloudtest.Session) uuid.UUID {
	t.Helper()
	var me struct {
		User struct {
			ID uuid.UUID `json:"id"`
		} `json:"user"`
	}
	ok(t, e.Do(t, "GET", "/api/v1/me", nil, s.Bearer())).JSON(t, &me)
	return me.User.ID
}

// ok fails the test unless the response is a success.
func ok(t *testing.T, r *apitest.Response) *apitest.Response {
	t.Helper()
	if r.Status >= 300 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	return r
}

func createGroup(t *testing.T, e *cloudtest.Env, s cloudtest.Session, name string, permissions ...string) identity.Group {
	t.Helper()
	var g identity.Group
	ok(t, e.Do(t, "POST", groupsURL, map[string]any{"name": name, "permissions": permissions}, s.Bearer())).JSON(t, &g)
	return g
}

// auditEntry is one row of the tenant's audit log.
type auditEntry struct {
	Action  string
	Changes map[string]struct {
		Before json.RawMessage `json:"before"`
		After  json.RawMessage `json:"after"`
	}
}

func auditLog(t *testing.T, e *cloudtest.Env, tenantID uuid.UUID) []auditEntry {
	t.Helper()
	rows, err := adminDB(t, e).Query(`SELECT action, changes FROM audit_log WHERE tenant_id = $1 ORDER BY at, id`, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var out []auditEntry
	for rows.Next() {
		var a auditEntry
		var changes []byte
		if err := rows.Scan(&a.Action, &changes); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(changes, &a.Changes); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func actionsOf(entries []auditEntry) []string {
	var out []string
	for _, a := range entries {
		out = append(out, a.Action)
	}
	return out
}

// fieldError checks a 422 names the field.
func fieldError(field string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		for _, f := range r.Problem(t).Errors {
			if f.Field == field {
				return
			}
		}
		t.Fatalf("no error for %s: %s", field, r.Body)
	}
}

func TestAdminRoutesAreDocumented(t *testing.T) {
	e := cloudtest.New(t)
	cloudtest.AssertRoutePermissions(t, e, map[string]map[string]string{
		groupsURL:                             {"get": "settings.groups.read", "post": "settings.groups.manage"},
		groupsURL + "/{id}":                   {"get": "settings.groups.read", "patch": "settings.groups.manage", "delete": "settings.groups.manage"},
		groupsURL + "/{id}/members/{user_id}": {"put": "settings.groups.members", "delete": "settings.groups.members"},
		permissionsURL:                        {"get": "settings.groups.manage"},
		usersURL:                              {"get": "settings.users.read"},
		usersURL + "/{id}":                    {"get": "settings.users.read", "patch": "settings.users.manage", "delete": "settings.users.manage"},
		usersURL + "/{id}/disable":            {"post": "settings.users.manage"},
		usersURL + "/{id}/enable":             {"post": "settings.users.manage"},
		usersURL + "/{id}/sessions/end":       {"post": "settings.users.manage"},
	})
}

// TestAdminPermissions: the Read only group may look but not change.
func TestAdminPermissions(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "perm")
	adminID := signedInUser(t, e, admin)
	readerID := seed(t, e, tenantID, seedUser{Email: "reader@perm.example.com", BuiltIn: "read_only"})
	reader := e.Login(t, "reader@perm.example.com")
	group := createGroup(t, e, admin, "Engineers", "assets.read").ID.String()
	adminGroup := builtInGroup(t, e, tenantID, "admin").String()
	h := reader.Bearer()

	apitest.Run(t, e.Server.App(), "reads are allowed", []apitest.Case{
		{Name: "list groups", Method: "GET", Path: groupsURL, Headers: h, Status: 200},
		{Name: "get group", Method: "GET", Path: groupsURL + "/" + group, Headers: h, Status: 200},
		{Name: "list users", Method: "GET", Path: usersURL, Headers: h, Status: 200},
		{Name: "get user", Method: "GET", Path: usersURL + "/" + adminID.String(), Headers: h, Status: 200},
	})
	patch := map[string]any{"name": "Renamed", "version": 1}
	apitest.Run(t, e.Server.App(), "changes are denied", []apitest.Case{
		{Name: "create group", Method: "POST", Path: groupsURL, Body: map[string]any{"name": "Mine", "permissions": []string{"*"}}, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "update group", Method: "PATCH", Path: groupsURL + "/" + group, Body: patch, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "delete group", Method: "DELETE", Path: groupsURL + "/" + group, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "join Admin", Method: "PUT", Path: groupsURL + "/" + adminGroup + "/members/" + readerID.String(), Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "remove an admin", Method: "DELETE", Path: groupsURL + "/" + adminGroup + "/members/" + adminID.String(), Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "update user", Method: "PATCH", Path: usersURL + "/" + adminID.String(), Body: map[string]any{"display_name": "X", "version": 1}, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "disable user", Method: "POST", Path: usersURL + "/" + adminID.String() + "/disable", Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "enable user", Method: "POST", Path: usersURL + "/" + adminID.String() + "/enable", Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "end sessions", Method: "POST", Path: usersURL + "/" + adminID.String() + "/sessions/end", Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "remove user", Method: "DELETE", Path: usersURL + "/" + adminID.String(), Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "no token at all", Method: "GET", Path: groupsURL, Status: 401},
	})
	apitest.Run(t, e.Server.App(), "nothing changed", []apitest.Case{
		{Name: "admin still signed in", Method: "GET", Path: "/api/v1/me", Headers: admin.Bearer(), Status: 200},
		{Name: "group still named", Method: "GET", Path: groupsURL + "/" + group, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var g identity.GroupDetail
			r.JSON(t, &g)
			if g.Name != "Engineers" || len(g.Members) != 0 {
				t.Fatalf("group changed: %+v", g)
			}
		}},
	})
}

// TestAdminCrossTenant: tenant A's admin finds none of tenant B's groups or
// users, by id on any route or in any list; malformed ids are 404 as well.
func TestAdminCrossTenant(t *testing.T) {
	e := cloudtest.New(t)
	_, a := e.ActiveTenant(t, "tenant-a")
	tenantB, b := e.ActiveTenant(t, "tenant-b")
	userA, userB := signedInUser(t, e, a).String(), signedInUser(t, e, b).String()
	groupA := createGroup(t, e, a, "A team", "assets.read").ID.String()
	groupB := createGroup(t, e, b, "B team", "assets.read").ID.String()
	adminGroupB := builtInGroup(t, e, tenantB, "admin").String()
	h := a.Bearer()

	var cases []apitest.Case
	for _, id := range []string{groupB, adminGroupB, "not-a-uuid", "123"} {
		cases = append(cases,
			apitest.Case{Name: "get group " + id, Method: "GET", Path: groupsURL + "/" + id},
			apitest.Case{Name: "update group " + id, Method: "PATCH", Path: groupsURL + "/" + id, Body: map[string]any{"name": "Mine now", "version": 1}},
			apitest.Case{Name: "delete group " + id, Method: "DELETE", Path: groupsURL + "/" + id},
			apitest.Case{Name: "add A's user to group " + id, Method: "PUT", Path: groupsURL + "/" + id + "/members/" + userA},
			apitest.Case{Name: "remove a member of group " + id, Method: "DELETE", Path: groupsURL + "/" + id + "/members/" + userB},
		)
	}
	for _, id := range []string{userB, "not-a-uuid"} {
		cases = append(cases,
			apitest.Case{Name: "add user " + id + " to A's group", Method: "PUT", Path: groupsURL + "/" + groupA + "/members/" + id},
			apitest.Case{Name: "remove user " + id + " from A's group", Method: "DELETE", Path: groupsURL + "/" + groupA + "/members/" + id},
			apitest.Case{Name: "get user " + id, Method: "GET", Path: usersURL + "/" + id},
			apitest.Case{Name: "update user " + id, Method: "PATCH", Path: usersURL + "/" + id, Body: map[string]any{"display_name": "Hijacked", "version": 1}},
			apitest.Case{Name: "disable user " + id, Method: "POST", Path: usersURL + "/" + id + "/disable"},
			apitest.Case{Name: "enable user " + id, Method: "POST", Path: usersURL + "/" + id + "/enable"},
			apitest.Case{Name: "end sessions of " + id, Method: "POST", Path: usersURL + "/" + id + "/sessions/end"},
			apitest.Case{Name: "remove user " + id, Method: "DELETE", Path: usersURL + "/" + id},
		)
	}
	for i := range cases {
		cases[i].Headers, cases[i].Status, cases[i].Code = h, 404, "not_found"
	}
	apitest.Run(t, e.Server.App(), "cross-tenant", cases)

	apitest.Run(t, e.Server.App(), "lists show only the own tenant", []apitest.Case{
		{Name: "groups", Method: "GET", Path: groupsURL, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if body := string(r.Body); strings.Contains(body, groupB) || strings.Contains(body, adminGroupB) || strings.Contains(body, "B team") {
				t.Fatalf("B's groups in A's list: %s", body)
			}
		}},
		{Name: "users", Method: "GET", Path: usersURL, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var page httpapi.Page[identity.ManagedUser]
			r.JSON(t, &page)
			if len(page.Items) != 1 || page.Items[0].ID.String() != userA {
				t.Fatalf("A's user list: %s", r.Body)
			}
		}},
		{Name: "users searched by B's e-mail", Method: "GET", Path: usersURL + "?q=tenant-b", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if !strings.Contains(string(r.Body), `"items":[]`) {
				t.Fatalf("search found B's user: %s", r.Body)
			}
		}},
	})
	apitest.Run(t, e.Server.App(), "B is untouched", []apitest.Case{
		{Name: "B's admin still signed in", Method: "GET", Path: "/api/v1/me", Headers: b.Bearer(), Status: 200},
		{Name: "B's group unchanged", Method: "GET", Path: groupsURL + "/" + groupB, Headers: b.Bearer(), Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var g identity.GroupDetail
			r.JSON(t, &g)
			if g.Name != "B team" || g.Version != 1 || len(g.Members) != 0 {
				t.Fatalf("B's group: %+v", g)
			}
		}},
	})
	if actions := actionsOf(auditLog(t, e, tenantB)); slices.ContainsFunc(actions, func(a string) bool {
		return a != "groups.create" && (strings.HasPrefix(a, "groups.") || strings.HasPrefix(a, "users."))
	}) {
		t.Fatalf("B's audit log records changes A attempted: %v", actions)
	}
}

// TestAdminMalformedBodies: the settings routes read JSON strictly.
func TestAdminMalformedBodies(t *testing.T) {
	e := cloudtest.New(t)
	_, admin := e.ActiveTenant(t, "bodies")
	user := signedInUser(t, e, admin).String()
	h := admin.Bearer()
	apitest.Run(t, e.Server.App(), "malformed", []apitest.Case{
		{Name: "broken JSON", Method: "POST", Path: groupsURL, Body: `{"name":`, Headers: h, Status: 400, Code: "malformed_json"},
		{Name: "unknown field", Method: "PATCH", Path: usersURL + "/" + user, Body: map[string]any{"email": "x@y.example.com", "version": 1}, Headers: h, Status: 422, Check: fieldError("email")},
		{Name: "wrong type", Method: "POST", Path: groupsURL, Body: map[string]any{"name": "X", "permissions": "assets.read"}, Headers: h, Status: 422, Check: fieldError("permissions")},
		{Name: "bad cursor", Method: "GET", Path: groupsURL + "?cursor=%%%", Headers: h, Status: 400, Code: "invalid_cursor"},
		{Name: "bad limit", Method: "GET", Path: usersURL + "?limit=0", Headers: h, Status: 422, Check: fieldError("limit")},
		{Name: "no JSON body", Method: "PATCH", Path: usersURL + "/" + user, Headers: h, Status: 415, Code: "unsupported_media_type"},
	})
}
