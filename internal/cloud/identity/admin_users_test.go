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

// emails checks a user page holds exactly these addresses, in order.
func emails(want ...string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var page httpapi.Page[identity.ManagedUser]
		r.JSON(t, &page)
		var got []string
		for _, u := range page.Items {
			got = append(got, u.Email)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("users %v, want %v", got, want)
		}
	}
}

func TestUserListAndEdit(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "people")
	h := admin.Bearer()
	seed(t, e, tenantID, seedUser{Email: "zoe@people.example.com", DisplayName: "Zoe Zimmer", BuiltIn: "read_only"})
	seed(t, e, tenantID, seedUser{Email: "bob@people.example.com", DisplayName: "Robert Builder"})
	seed(t, e, tenantID, seedUser{Email: "carol@people.example.com", DisplayName: "Carol", Status: identity.UserDisabled})
	dan := seed(t, e, tenantID, seedUser{Email: "dan@people.example.com", DisplayName: "Dan", Status: identity.UserInvited}).String()
	zed := seed(t, e, tenantID, seedUser{Email: "zed@people.example.com", DisplayName: "Zed", BuiltIn: "read_only"}).String()

	apitest.Run(t, e.Server.App(), "list", []apitest.Case{
		{Name: "everyone in e-mail order", Method: "GET", Path: usersURL, Headers: h, Status: 200, Check: emails(
			"admin@people.example.com", "bob@people.example.com", "carol@people.example.com", "dan@people.example.com",
			"zed@people.example.com", "zoe@people.example.com")},
		{Name: "by status", Method: "GET", Path: usersURL + "?status=disabled", Headers: h, Status: 200, Check: emails("carol@people.example.com")},
		{Name: "invited", Method: "GET", Path: usersURL + "?status=invited", Headers: h, Status: 200, Check: emails("dan@people.example.com")},
		{Name: "by part of the e-mail", Method: "GET", Path: usersURL + "?q=BOB", Headers: h, Status: 200, Check: emails("bob@people.example.com")},
		{Name: "by part of the display name", Method: "GET", Path: usersURL + "?q=builder", Headers: h, Status: 200, Check: emails("bob@people.example.com")},
		{Name: "LIKE wildcards are plain text", Method: "GET", Path: usersURL + "?q=%25", Headers: h, Status: 200, Check: emails()},
		{Name: "both filters", Method: "GET", Path: usersURL + "?q=z&status=active", Headers: h, Status: 200, Check: emails("zed@people.example.com", "zoe@people.example.com")},
		{Name: "the invitation list is not read as a user id", Method: "GET", Path: usersURL + "/invitations", Headers: h, Status: 200},
		{Name: "unknown status", Method: "GET", Path: usersURL + "?status=gone", Headers: h, Status: 422, Check: fieldError("status")},
		{Name: "query too long", Method: "GET", Path: usersURL + "?q=" + strings.Repeat("q", 201), Headers: h, Status: 422, Check: fieldError("q")},
	})

	var seen []string
	path := usersURL + "?limit=4&status=active"
	for path != "" {
		var page httpapi.Page[identity.ManagedUser]
		ok(t, e.Do(t, "GET", path, nil, h)).JSON(t, &page)
		for _, u := range page.Items {
			seen = append(seen, u.Email)
		}
		path = ""
		if page.NextCursor != nil {
			path = usersURL + "?limit=4&status=active&cursor=" + *page.NextCursor
		}
	}
	if want := []string{"admin@people.example.com", "bob@people.example.com", "zed@people.example.com", "zoe@people.example.com"}; !slices.Equal(seen, want) {
		t.Fatalf("pages of active users: %v, want %v", seen, want)
	}

	apitest.Run(t, e.Server.App(), "get and edit", []apitest.Case{
		{Name: "get with groups", Method: "GET", Path: usersURL + "/" + zed, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var u identity.UserDetail
			r.JSON(t, &u)
			if u.Email != "zed@people.example.com" || u.Version != 1 || len(u.Groups) != 1 || u.Groups[0].Name != "Read only" {
				t.Fatalf("user: %s", r.Body)
			}
			if strings.Contains(string(r.Body), "password") {
				t.Fatalf("user detail leaks credentials: %s", r.Body)
			}
		}},
		{Name: "rename", Method: "PATCH", Path: usersURL + "/" + zed, Headers: h, Status: 200,
			Body: map[string]any{"display_name": " Zed Zulu ", "version": 1}, Check: func(t *testing.T, r *apitest.Response) {
				var u identity.ManagedUser
				r.JSON(t, &u)
				if u.DisplayName != "Zed Zulu" || u.Version != 2 {
					t.Fatalf("renamed: %+v", u)
				}
			}},
		{Name: "enable an active user is no change", Method: "POST", Path: usersURL + "/" + zed + "/enable", Headers: h, Status: 200},
	})
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "stale version", Method: "PATCH", Path: usersURL + "/" + zed, Headers: h, Status: 409, Code: "version_conflict",
			Body: map[string]any{"display_name": "Lost update", "version": 1}},
		{Name: "no version", Method: "PATCH", Path: usersURL + "/" + zed, Headers: h, Status: 422, Check: fieldError("version"),
			Body: map[string]any{"display_name": "Zed"}},
		{Name: "blank display name", Method: "PATCH", Path: usersURL + "/" + zed, Headers: h, Status: 422, Check: fieldError("display_name"),
			Body: map[string]any{"display_name": " ", "version": 2}},
		{Name: "enable an invited user", Method: "POST", Path: usersURL + "/" + dan + "/enable", Headers: h, Status: 409, Code: "user_invited"},
	})
	if actions := actionsOf(auditLog(t, e, tenantID)); !slices.Contains(actions, "users.update") || slices.Contains(actions, "users.enable") {
		t.Fatalf("audit log: %v", actions)
	}
}

// TestDisablingEndsAccess: disabling, ending sessions and removing a user
// each stop their access token on the next request.
func TestDisablingEndsAccess(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "revoke")
	h := admin.Bearer()
	const email = "una@revoke.example.com"
	id := seed(t, e, tenantID, seedUser{Email: email, BuiltIn: "read_only"}).String()
	una := e.Login(t, email)
	login := map[string]string{"email": email, "password": cloudtest.Password}

	apitest.Run(t, e.Server.App(), "disable", []apitest.Case{
		{Name: "signed in (grants now cached)", Method: "GET", Path: "/api/v1/me", Headers: una.Bearer(), Status: 200},
		{Name: "disable", Method: "POST", Path: usersURL + "/" + id + "/disable", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var u identity.ManagedUser
			r.JSON(t, &u)
			if u.Status != identity.UserDisabled || u.Version != 2 {
				t.Fatalf("disabled: %+v", u)
			}
		}},
		{Name: "access token refused at once", Method: "GET", Path: "/api/v1/me", Headers: una.Bearer(), Status: 401},
		{Name: "refresh refused", Method: "POST", Path: "/api/v1/auth/refresh", Headers: una.Cookies(), Status: 401},
		{Name: "sign-in refused", Method: "POST", Path: "/api/v1/auth/login", Body: login, Status: 401, Code: "invalid_credentials"},
		{Name: "disabling again is no change", Method: "POST", Path: usersURL + "/" + id + "/disable", Headers: h, Status: 200},
		{Name: "enable", Method: "POST", Path: usersURL + "/" + id + "/enable", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var u identity.ManagedUser
			r.JSON(t, &u)
			if u.Status != identity.UserActive {
				t.Fatalf("enabled: %+v", u)
			}
		}},
	})

	again := e.Login(t, email)
	apitest.Run(t, e.Server.App(), "end sessions", []apitest.Case{
		{Name: "signed in again", Method: "GET", Path: "/api/v1/me", Headers: again.Bearer(), Status: 200},
		{Name: "end sessions", Method: "POST", Path: usersURL + "/" + id + "/sessions/end", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var out identity.EndSessionsResponse
			r.JSON(t, &out)
			if out.Ended != 1 {
				t.Fatalf("ended %d sessions, want 1", out.Ended)
			}
		}},
		{Name: "access token refused at once", Method: "GET", Path: "/api/v1/me", Headers: again.Bearer(), Status: 401},
		{Name: "refresh refused", Method: "POST", Path: "/api/v1/auth/refresh", Headers: again.Cookies(), Status: 401},
	})

	last := e.Login(t, email)
	apitest.Run(t, e.Server.App(), "remove", []apitest.Case{
		{Name: "signed in once more", Method: "GET", Path: "/api/v1/me", Headers: last.Bearer(), Status: 200},
		{Name: "remove", Method: "DELETE", Path: usersURL + "/" + id, Headers: h, Status: 204},
		{Name: "access token refused at once", Method: "GET", Path: "/api/v1/me", Headers: last.Bearer(), Status: 401},
		{Name: "gone", Method: "GET", Path: usersURL + "/" + id, Headers: h, Status: 404, Code: "not_found"},
		{Name: "no longer in Read only", Method: "GET", Path: groupsURL + "/" + builtInGroup(t, e, tenantID, "read_only").String(), Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if strings.Contains(string(r.Body), email) {
					t.Fatalf("removed user still a member: %s", r.Body)
				}
			}},
	})

	actions := actionsOf(auditLog(t, e, tenantID))
	for _, want := range []string{"users.disable", "users.enable", "users.sessions.end", "users.delete"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit log lacks %s: %v", want, actions)
		}
	}
	if n := strings.Count(strings.Join(actions, " "), "users.disable"); n != 1 {
		t.Errorf("%d users.disable records, want 1 (disabling twice is no change)", n)
	}
}

// TestLastAdmin: the Admin group always keeps an active member, and nobody
// disables or removes themselves.
func TestLastAdmin(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "keepers")
	h := admin.Bearer()
	adminID := signedInUser(t, e, admin).String()
	adminGroup := builtInGroup(t, e, tenantID, "admin").String()

	managers := createGroup(t, e, admin, "User managers", "settings.users.*", "settings.groups.members", "settings.groups.read").ID.String()
	manager := seed(t, e, tenantID, seedUser{Email: "max@keepers.example.com"}).String()
	ok(t, e.Do(t, "PUT", groupsURL+"/"+managers+"/members/"+manager, nil, h))
	m := e.Login(t, "max@keepers.example.com").Bearer()
	second := seed(t, e, tenantID, seedUser{Email: "sam@keepers.example.com"}).String()

	apitest.Run(t, e.Server.App(), "own account", []apitest.Case{
		{Name: "disable yourself", Method: "POST", Path: usersURL + "/" + adminID + "/disable", Headers: h, Status: 409, Code: "own_account"},
		{Name: "remove yourself", Method: "DELETE", Path: usersURL + "/" + adminID, Headers: h, Status: 409, Code: "own_account"},
		{Name: "ending your own sessions is fine", Method: "POST", Path: usersURL + "/" + manager + "/sessions/end", Headers: m, Status: 200},
	})
	m = e.Login(t, "max@keepers.example.com").Bearer()

	apitest.Run(t, e.Server.App(), "the only admin", []apitest.Case{
		{Name: "leave Admin yourself", Method: "DELETE", Path: groupsURL + "/" + adminGroup + "/members/" + adminID, Headers: h, Status: 409, Code: "last_admin"},
		{Name: "taken out of Admin", Method: "DELETE", Path: groupsURL + "/" + adminGroup + "/members/" + adminID, Headers: m, Status: 409, Code: "last_admin"},
		{Name: "disabled", Method: "POST", Path: usersURL + "/" + adminID + "/disable", Headers: m, Status: 409, Code: "last_admin"},
		{Name: "removed", Method: "DELETE", Path: usersURL + "/" + adminID, Headers: m, Status: 409, Code: "last_admin"},
		{Name: "still an admin", Method: "GET", Path: groupsURL + "/" + adminGroup, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var g identity.GroupDetail
			r.JSON(t, &g)
			if len(g.Members) != 1 || g.Members[0].ID.String() != adminID {
				t.Fatalf("Admin members: %s", r.Body)
			}
		}},
	})
	// Only someone holding everything Admin grants may add to Admin.
	apitest.Run(t, e.Server.App(), "a second admin", []apitest.Case{
		{Name: "the manager cannot make an admin", Method: "PUT", Path: groupsURL + "/" + adminGroup + "/members/" + second, Headers: m, Status: 403, Code: "grant_exceeds_own"},
		{Name: "the admin can", Method: "PUT", Path: groupsURL + "/" + adminGroup + "/members/" + second, Headers: h, Status: 204},
		{Name: "disable the second admin", Method: "POST", Path: usersURL + "/" + second + "/disable", Headers: m, Status: 200},
		{Name: "a disabled admin does not count", Method: "DELETE", Path: groupsURL + "/" + adminGroup + "/members/" + adminID, Headers: m, Status: 409, Code: "last_admin"},
		{Name: "enable the second admin", Method: "POST", Path: usersURL + "/" + second + "/enable", Headers: m, Status: 200},
		{Name: "now the first may leave Admin", Method: "DELETE", Path: groupsURL + "/" + adminGroup + "/members/" + adminID, Headers: m, Status: 204},
		{Name: "and the second is the last", Method: "DELETE", Path: usersURL + "/" + second, Headers: m, Status: 409, Code: "last_admin"},
		{Name: "removing a non-member of Admin is no change", Method: "DELETE", Path: groupsURL + "/" + adminGroup + "/members/" + adminID, Headers: m, Status: 204},
	})
}
