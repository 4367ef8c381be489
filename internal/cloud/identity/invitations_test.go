package identity_test

import (
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

func TestInvitationLandsInReadOnly(t *testing.T) {
	e := cloudtest.New(t)
	_, admin := e.ActiveTenant(t, "inviting")
	r := e.Do(t, "POST", "/api/v1/settings/users/invitations", map[string]any{"email": "Newbie@Inviting.example.com"}, admin.Bearer())
	if r.Status != 201 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	link := e.WaitForMail(t, "newbie@inviting.example.com", cloudtest.AppBaseURL+"/invite/")
	token := strings.TrimPrefix(link, cloudtest.AppBaseURL+"/invite/")

	var list struct {
		Items []struct{ Email string } `json:"items"`
	}
	e.Do(t, "GET", "/api/v1/settings/users/invitations", nil, admin.Bearer()).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].Email != "newbie@inviting.example.com" {
		t.Fatalf("pending invitations: %+v", list)
	}

	accept := map[string]string{"token": token, "password": "another fine long password", "display_name": "New Bie"}
	apitest.Run(t, e.Server.App(), "accept", []apitest.Case{
		{Name: "weak password", Method: "POST", Path: "/api/v1/auth/invitations/accept",
			Body: map[string]string{"token": token, "password": "password1234", "display_name": "New Bie"}, Status: 422},
		{Name: "accept", Method: "POST", Path: "/api/v1/auth/invitations/accept", Body: accept, Status: 200},
		{Name: "the link works once", Method: "POST", Path: "/api/v1/auth/invitations/accept", Body: accept, Status: 404, Code: "invitation_invalid"},
	})

	r = e.Do(t, "POST", "/api/v1/auth/login", map[string]string{"email": "newbie@inviting.example.com", "password": accept["password"]}, nil)
	if r.Status != 200 {
		t.Fatalf("login as the invited user: %d %s", r.Status, r.Body)
	}
	newbie := cloudtest.SessionFrom(t, r)
	var me struct {
		Permissions []string `json:"permissions"`
	}
	e.Do(t, "GET", "/api/v1/me", nil, newbie.Bearer()).JSON(t, &me)
	for _, p := range me.Permissions {
		if !strings.HasSuffix(p, ".read") {
			t.Fatalf("an invited user without groups got %s", p)
		}
	}
	apitest.Run(t, e.Server.App(), "read only", []apitest.Case{
		{Name: "cannot invite", Method: "POST", Path: "/api/v1/settings/users/invitations", Headers: newbie.Bearer(),
			Body: map[string]any{"email": "x@inviting.example.com"}, Status: 403, Code: "permission_denied"},
		{Name: "cannot create a group", Method: "POST", Path: "/api/v1/settings/groups", Headers: newbie.Bearer(),
			Body: map[string]any{"name": "Sneaky", "description": "", "permissions": []string{"assets.read"}}, Status: 403, Code: "permission_denied"},
		{Name: "can list invitations", Method: "GET", Path: "/api/v1/settings/users/invitations", Headers: newbie.Bearer(), Status: 200},
	})
}

func TestInvitationResendAndRevoke(t *testing.T) {
	e := cloudtest.New(t)
	_, admin := e.ActiveTenant(t, "revoker")
	_, other := e.ActiveTenant(t, "bystander")
	var inv struct {
		ID string `json:"id"`
	}
	r := e.Do(t, "POST", "/api/v1/settings/users/invitations", map[string]any{"email": "maybe@revoker.example.com"}, admin.Bearer())
	r.JSON(t, &inv)
	first := e.WaitForMail(t, "maybe@revoker.example.com", cloudtest.AppBaseURL+"/invite/")

	apitest.Run(t, e.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "resend another tenant's invitation", Method: "POST", Path: "/api/v1/settings/users/invitations/" + inv.ID + "/resend", Headers: other.Bearer(), Status: 404},
		{Name: "revoke another tenant's invitation", Method: "DELETE", Path: "/api/v1/settings/users/invitations/" + inv.ID, Headers: other.Bearer(), Status: 404},
		{Name: "malformed id", Method: "DELETE", Path: "/api/v1/settings/users/invitations/not-a-uuid", Headers: admin.Bearer(), Status: 404},
	})
	apitest.Run(t, e.Server.App(), "revoke", []apitest.Case{
		{Name: "revoke", Method: "DELETE", Path: "/api/v1/settings/users/invitations/" + inv.ID, Headers: admin.Bearer(), Status: 204},
		{Name: "the old link is dead", Method: "POST", Path: "/api/v1/auth/invitations/accept",
			Body:   map[string]string{"token": strings.TrimPrefix(first, cloudtest.AppBaseURL+"/invite/"), "password": "another fine long password", "display_name": "M"},
			Status: 404, Code: "invitation_invalid"},
		{Name: "resend after revoke", Method: "POST", Path: "/api/v1/settings/users/invitations/" + inv.ID + "/resend", Headers: admin.Bearer(), Status: 404},
	})
}

func TestPasswordReset(t *testing.T) {
	e := cloudtest.New(t)
	_, s := e.ActiveTenant(t, "forgetful")
	email := "admin@forgetful.example.com"
	apitest.Run(t, e.Server.App(), "forgot", []apitest.Case{
		{Name: "known address", Method: "POST", Path: "/api/v1/auth/password/forgot", Body: map[string]string{"email": email}, Status: 202},
		{Name: "unknown address, same answer", Method: "POST", Path: "/api/v1/auth/password/forgot", Body: map[string]string{"email": "ghost@nowhere.example.com"}, Status: 202},
	})
	link := e.WaitForMail(t, email, cloudtest.AppBaseURL+"/reset-password/")
	token := strings.TrimPrefix(link, cloudtest.AppBaseURL+"/reset-password/")
	newPassword := "a brand new long password"
	apitest.Run(t, e.Server.App(), "reset", []apitest.Case{
		{Name: "bad token", Method: "POST", Path: "/api/v1/auth/password/reset", Body: map[string]string{"token": "nope", "password": newPassword}, Status: 404, Code: "reset_invalid"},
		{Name: "weak password", Method: "POST", Path: "/api/v1/auth/password/reset", Body: map[string]string{"token": token, "password": "short"}, Status: 422},
		{Name: "reset", Method: "POST", Path: "/api/v1/auth/password/reset", Body: map[string]string{"token": token, "password": newPassword}, Status: 204},
		{Name: "the link works once", Method: "POST", Path: "/api/v1/auth/password/reset", Body: map[string]string{"token": token, "password": newPassword}, Status: 404},
		{Name: "old sessions ended", Method: "GET", Path: "/api/v1/me", Headers: s.Bearer(), Status: 401},
		{Name: "old password refused", Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": email, "password": cloudtest.Password}, Status: 401},
		{Name: "new password works", Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": email, "password": newPassword}, Status: 200},
	})
}

func TestDevelopmentOutboxShowsOnlyTheTenantsMail(t *testing.T) {
	e := cloudtest.New(t)
	_, a := e.ActiveTenant(t, "outbox-a")
	_, b := e.ActiveTenant(t, "outbox-b")
	e.Do(t, "POST", "/api/v1/settings/users/invitations", map[string]any{"email": "guest@outbox-a.example.com"}, a.Bearer())
	e.WaitForMail(t, "guest@outbox-a.example.com", cloudtest.AppBaseURL+"/invite/")
	var list struct {
		Items []struct {
			To      []string `json:"to"`
			Subject string   `json:"subject"`
			Text    string   `json:"text"`
		} `json:"items"`
	}
	e.Do(t, "GET", "/api/v1/dev/outbox", nil, a.Bearer()).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].To[0] != "guest@outbox-a.example.com" || !strings.Contains(list.Items[0].Text, "/invite/") {
		t.Fatalf("tenant A's outbox: %+v", list)
	}
	e.Do(t, "GET", "/api/v1/dev/outbox", nil, b.Bearer()).JSON(t, &list)
	if len(list.Items) != 0 {
		t.Fatalf("tenant B sees tenant A's mail: %+v", list)
	}
}
