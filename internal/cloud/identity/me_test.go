package identity_test

import (
	"testing"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

func TestMySessions(t *testing.T) {
	e := cloudtest.New(t)
	_, laptop := e.ActiveTenant(t, "travel")
	phone := e.Login(t, "admin@travel.example.com")
	_, stranger := e.ActiveTenant(t, "stranger")

	var list struct {
		Items []struct {
			ID      string `json:"id"`
			Current bool   `json:"current"`
		} `json:"items"`
	}
	e.Do(t, "GET", "/api/v1/me/sessions", nil, laptop.Bearer()).JSON(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("sessions: %+v", list)
	}
	var phoneID string
	for _, s := range list.Items {
		if !s.Current {
			phoneID = s.ID
		}
	}
	apitest.Run(t, e.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "another tenant's session", Method: "DELETE", Path: "/api/v1/me/sessions/" + phoneID, Headers: stranger.Bearer(), Status: 404},
	})
	apitest.Run(t, e.Server.App(), "end a device", []apitest.Case{
		{Name: "end the phone", Method: "DELETE", Path: "/api/v1/me/sessions/" + phoneID, Headers: laptop.Bearer(), Status: 204},
		{Name: "the phone is out", Method: "GET", Path: "/api/v1/me", Headers: phone.Bearer(), Status: 401},
		{Name: "the laptop stays", Method: "GET", Path: "/api/v1/me", Headers: laptop.Bearer(), Status: 200},
		{Name: "again", Method: "DELETE", Path: "/api/v1/me/sessions/" + phoneID, Headers: laptop.Bearer(), Status: 404},
	})
}

func TestProfileChanges(t *testing.T) {
	e := cloudtest.New(t)
	_, s := e.ActiveTenant(t, "profiled")
	other := e.Login(t, "admin@profiled.example.com")
	h := s.Bearer()
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "name and look", Method: "PATCH", Path: "/api/v1/me", Headers: h, Body: map[string]any{"display_name": "Pro Filed", "appearance": "dark"}, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				var u map[string]any
				r.JSON(t, &u)
				if u["display_name"] != "Pro Filed" || u["appearance"] != "dark" {
					t.Fatalf("profile: %v", u)
				}
			}},
	})
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "password without the current one", Method: "PATCH", Path: "/api/v1/me", Headers: h,
			Body: map[string]any{"new_password": "a whole new long password"}, Status: 422},
		{Name: "e-mail with a wrong current password", Method: "PATCH", Path: "/api/v1/me", Headers: h,
			Body: map[string]any{"email": "new@profiled.example.com", "current_password": "wrong one, sorry"}, Status: 422},
		{Name: "bad appearance", Method: "PATCH", Path: "/api/v1/me", Headers: h, Body: map[string]any{"appearance": "neon"}, Status: 422},
	})
	apitest.Run(t, e.Server.App(), "password change", []apitest.Case{
		{Name: "change", Method: "PATCH", Path: "/api/v1/me", Headers: h,
			Body: map[string]any{"new_password": "a whole new long password", "current_password": cloudtest.Password}, Status: 200},
		{Name: "this session stays", Method: "GET", Path: "/api/v1/me", Headers: h, Status: 200},
		{Name: "other sessions end", Method: "GET", Path: "/api/v1/me", Headers: other.Bearer(), Status: 401},
		{Name: "the new password signs in", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "admin@profiled.example.com", "password": "a whole new long password"}, Status: 200},
	})
}

func TestCheckMethod(t *testing.T) {
	e := cloudtest.New(t)
	e.ActiveTenant(t, "methodical")
	same := func(t *testing.T, r *apitest.Response) {
		if string(r.Body) != `{"method":"password"}` {
			t.Fatalf("answer %s", r.Body)
		}
	}
	apitest.Run(t, e.Server.App(), "answers", []apitest.Case{
		{Name: "known", Method: "POST", Path: "/api/v1/auth/check-method", Body: map[string]string{"email": "admin@methodical.example.com"}, Status: 200, Check: same},
		{Name: "unknown, same shape", Method: "POST", Path: "/api/v1/auth/check-method", Body: map[string]string{"email": "who@nowhere.example.com"}, Status: 200, Check: same},
		{Name: "not an address", Method: "POST", Path: "/api/v1/auth/check-method", Body: map[string]string{"email": "nope"}, Status: 422},
	})
}
