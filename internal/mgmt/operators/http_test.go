package operators_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/mgmt"
	"github.com/monozu/monozu/internal/mgmt/mgmttest"
	"github.com/monozu/monozu/internal/mgmt/operators"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

func TestSignInWithTOTP(t *testing.T) {
	e := mgmttest.New(t)
	admin := e.CreateOperator(t, "ada@provider.example.com", operators.RoleAdmin)
	token := e.PasswordStep(t, admin.Email)
	code, _ := auth.TOTPCode(admin.Secret, time.Now())

	var s mgmttest.Session
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "the TOTP code completes the sign-in", Method: "POST", Path: "/api/v1/auth/mfa/verify",
			Body: map[string]string{"session_token": token, "totp_code": code}, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				var body operators.TokenResponse
				r.JSON(t, &body)
				if body.TokenType != "Bearer" || body.ExpiresIn != 3600 || body.Operator.Email != admin.Email {
					t.Fatalf("tokens %+v", body)
				}
				for _, c := range (&http.Response{Header: r.Header}).Cookies() {
					if c.Name == "mgmt_refresh_token" && (!c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/api/v1/auth") {
						t.Fatalf("refresh cookie %+v", c)
					}
					if c.Name == "mgmt_csrf_token" && (c.HttpOnly || c.Path != "/") {
						t.Fatalf("csrf cookie %+v", c)
					}
				}
				s = mgmttest.SessionFrom(t, r)
			}},
	})
	apitest.Run(t, e.Server.App(), "signed in", []apitest.Case{
		{Name: "/me is the operator", Method: "GET", Path: "/api/v1/me", Headers: s.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				var o operators.Operator
				r.JSON(t, &o)
				if o.ID != admin.ID || o.Role != operators.RoleAdmin || o.LastLoginAt == nil {
					t.Fatalf("/me = %+v", o)
				}
			}},
	})
	apitest.Run(t, e.Server.App(), "unauthenticated", []apitest.Case{
		{Name: "no token", Method: "GET", Path: "/api/v1/me", Status: 401, Code: "unauthenticated"},
		{Name: "garbage token", Method: "GET", Path: "/api/v1/me", Headers: map[string]string{"Authorization": "Bearer x.y.z"},
			Status: 401, Code: "invalid_token"},
		{Name: "the session token is single use", Method: "POST", Path: "/api/v1/auth/mfa/verify",
			Body: map[string]string{"session_token": token, "totp_code": code}, Status: 401, Code: "invalid_mfa_code"},
		{Name: "an unknown session token", Method: "POST", Path: "/api/v1/auth/mfa/verify",
			Body: map[string]string{"session_token": "nope", "totp_code": code}, Status: 401, Code: "invalid_mfa_code"},
	})
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "no code", Method: "POST", Path: "/api/v1/auth/mfa/verify", Body: map[string]string{"session_token": token},
			Status: 422, Code: "validation_failed"},
	})
}

func TestWrongCredentialsAnswerAlike(t *testing.T) {
	e := mgmttest.New(t)
	e.CreateOperator(t, "ada@provider.example.com", operators.RoleAdmin)
	support := e.CreateOperator(t, "sam@provider.example.com", operators.RoleSupport)
	ctx := operators.WithActor(context.Background(), operators.Actor{ID: support.ID})
	disabled := operators.StatusDisabled
	if _, err := e.Operators.Update(ctx, support.ID, operators.Update{Status: &disabled, Version: support.Version}); err == nil {
		t.Fatal("an operator disabled themselves")
	}
	if _, err := e.Operators.Update(context.Background(), support.ID, operators.Update{Status: &disabled, Version: support.Version}); err != nil {
		t.Fatal(err)
	}
	var details []string
	same := func(t *testing.T, r *apitest.Response) { details = append(details, r.Problem(t).Detail) }
	login := func(email, password string) map[string]string {
		return map[string]string{"email": email, "password": password}
	}
	apitest.Run(t, e.Server.App(), "invalid credentials", []apitest.Case{
		{Name: "wrong password", Method: "POST", Path: "/api/v1/auth/login", Body: login("ada@provider.example.com", "wrong password here"),
			Status: 401, Code: "invalid_credentials", Check: same},
		{Name: "unknown e-mail", Method: "POST", Path: "/api/v1/auth/login", Body: login("nobody@provider.example.com", mgmttest.Password),
			Status: 401, Code: "invalid_credentials", Check: same},
		{Name: "not an e-mail", Method: "POST", Path: "/api/v1/auth/login", Body: login("nobody", mgmttest.Password),
			Status: 401, Code: "invalid_credentials", Check: same},
		{Name: "disabled operator, right password", Method: "POST", Path: "/api/v1/auth/login", Body: login(support.Email, mgmttest.Password),
			Status: 401, Code: "invalid_credentials", Check: same},
	})
	for _, d := range details {
		if d != details[0] {
			t.Fatalf("answers differ: %q", details)
		}
	}
}

func TestLockout(t *testing.T) {
	e := mgmttest.New(t)
	admin := e.CreateOperator(t, "ada@provider.example.com", operators.RoleAdmin)
	wrong := map[string]string{"email": admin.Email, "password": "wrong password here"}
	var cases []apitest.Case
	for i := range auth.MaxFailedLogins {
		cases = append(cases, apitest.Case{Name: "failure " + string(rune('1'+i)), Method: "POST", Path: "/api/v1/auth/login",
			Body: wrong, Status: 401, Code: "invalid_credentials"})
	}
	apitest.Run(t, e.Server.App(), "failures", cases)
	apitest.Run(t, e.Server.App(), "locked", []apitest.Case{
		{Name: "even the right password", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": admin.Email, "password": mgmttest.Password}, Status: 423, Code: "account_locked",
			Check: func(t *testing.T, r *apitest.Response) {
				if r.Header.Get("Retry-After") == "" {
					t.Fatal("no Retry-After")
				}
			}},
	})
}

func TestTOTPReplayRefused(t *testing.T) {
	e := mgmttest.New(t)
	admin := e.CreateOperator(t, "ada@provider.example.com", operators.RoleAdmin)
	code, _ := auth.TOTPCode(admin.Secret, time.Now())
	verify := func(token, code string) map[string]string {
		return map[string]string{"session_token": token, "totp_code": code}
	}
	apitest.Run(t, e.Server.App(), "first use", []apitest.Case{
		{Name: "accepted", Method: "POST", Path: "/api/v1/auth/mfa/verify", Body: verify(e.PasswordStep(t, admin.Email), code), Status: 200},
	})
	apitest.Run(t, e.Server.App(), "replay", []apitest.Case{
		{Name: "the same code on a new sign-in", Method: "POST", Path: "/api/v1/auth/mfa/verify",
			Body: verify(e.PasswordStep(t, admin.Email), code), Status: 401, Code: "invalid_mfa_code"},
	})
}

func TestRefreshRotationAndReuse(t *testing.T) {
	e := mgmttest.New(t)
	s1 := e.Login(t, e.CreateOperator(t, "ada@provider.example.com", operators.RoleAdmin))
	var s2 mgmttest.Session
	apitest.Run(t, e.Server.App(), "rotation", []apitest.Case{
		{Name: "refresh rotates the cookie", Method: "POST", Path: "/api/v1/auth/refresh", Headers: s1.Cookies(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				s2 = mgmttest.SessionFrom(t, r)
				if s2.Refresh == s1.Refresh {
					t.Fatal("the refresh token did not rotate")
				}
			}},
	})
	apitest.Run(t, e.Server.App(), "reuse revokes the session", []apitest.Case{
		{Name: "the rotated token again", Method: "POST", Path: "/api/v1/auth/refresh", Headers: s1.Cookies(), Status: 401, Code: "session_invalid"},
		{Name: "the newest token of the session", Method: "POST", Path: "/api/v1/auth/refresh", Headers: s2.Cookies(), Status: 401, Code: "session_invalid"},
		{Name: "the access token of the session", Method: "GET", Path: "/api/v1/me", Headers: s2.Bearer(), Status: 401, Code: "session_invalid"},
	})
}

func TestLogoutAndCSRF(t *testing.T) {
	e := mgmttest.New(t)
	s := e.Login(t, e.CreateOperator(t, "ada@provider.example.com", operators.RoleAdmin))
	with := func(k, v string) map[string]string {
		h := s.Cookies()
		h[k] = v
		return h
	}
	apitest.Run(t, e.Server.App(), "csrf", []apitest.Case{
		{Name: "refresh without the header", Method: "POST", Path: "/api/v1/auth/refresh", Headers: with("X-CSRF-Token", ""),
			Status: 403, Code: "csrf_failed"},
		{Name: "refresh with another token", Method: "POST", Path: "/api/v1/auth/refresh", Headers: with("X-CSRF-Token", "forged"),
			Status: 403, Code: "csrf_failed"},
		{Name: "refresh from another origin", Method: "POST", Path: "/api/v1/auth/refresh", Headers: with("Origin", "https://evil.example.com"),
			Status: 403, Code: "csrf_failed"},
		{Name: "logout without the header", Method: "POST", Path: "/api/v1/auth/logout", Headers: with("X-CSRF-Token", ""),
			Status: 403, Code: "csrf_failed"},
	})
	apitest.Run(t, e.Server.App(), "logout", []apitest.Case{
		{Name: "ends the session", Method: "POST", Path: "/api/v1/auth/logout", Headers: s.Cookies(), Status: 204},
		{Name: "the access token stops working", Method: "GET", Path: "/api/v1/me", Headers: s.Bearer(), Status: 401, Code: "session_invalid"},
		{Name: "the refresh token stops working", Method: "POST", Path: "/api/v1/auth/refresh", Headers: s.Cookies(), Status: 401, Code: "session_invalid"},
	})
}

func TestCloudTokensRefused(t *testing.T) {
	e := mgmttest.New(t)
	s := e.Login(t, e.CreateOperator(t, "ada@provider.example.com", operators.RoleAdmin))
	mgmtSigner, _ := auth.NewSigner(mgmttest.SecretKey, mgmt.Audience, time.Hour)
	claims, err := mgmtSigner.Verify(s.Access)
	if err != nil {
		t.Fatal(err)
	}
	cloudSigner, _ := auth.NewSigner(mgmttest.SecretKey, "monozu-cloud", time.Hour)
	cloudToken, _, _ := cloudSigner.Issue(claims.UserID, claims.TenantID, claims.SessionID)
	apitest.Run(t, e.Server.App(), "wrong audience", []apitest.Case{
		{Name: "a Cloud token for a live operator session", Method: "GET", Path: "/api/v1/me",
			Headers: map[string]string{"Authorization": "Bearer " + cloudToken}, Status: 401, Code: "invalid_token"},
		{Name: "the operator's own token still works", Method: "GET", Path: "/api/v1/me", Headers: s.Bearer(), Status: 200},
	})
}

func TestOperatorAdministration(t *testing.T) {
	e := mgmttest.New(t)
	ada := e.CreateOperator(t, "ada@provider.example.com", operators.RoleAdmin)
	bob := e.CreateOperator(t, "bob@provider.example.com", operators.RoleAdmin)
	sam := e.CreateOperator(t, "sam@provider.example.com", operators.RoleSupport)
	admin, support, bobSession := e.Login(t, ada), e.Login(t, sam), e.Login(t, bob)
	newOp := map[string]string{"email": "Cy@Provider.example.com", "name": "Cy", "role": "support", "password": mgmttest.Password}
	patch := func(id string, fields map[string]any) (string, map[string]any) {
		return "/api/v1/operators/" + id, fields
	}
	adaPath, demoteSelf := patch(ada.ID.String(), map[string]any{"role": "support", "version": ada.Version})
	_, disableSelf := patch(ada.ID.String(), map[string]any{"status": "disabled", "version": ada.Version})
	bobPath, disableBob := patch(bob.ID.String(), map[string]any{"status": "disabled", "version": bob.Version})

	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "support lists operators", Method: "GET", Path: "/api/v1/operators?limit=2", Headers: support.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				var page struct {
					Items      []operators.Operator `json:"items"`
					NextCursor *string              `json:"next_cursor"`
				}
				r.JSON(t, &page)
				if len(page.Items) != 2 || page.Items[0].Email != ada.Email || page.NextCursor == nil {
					t.Fatalf("page %+v", page)
				}
				next := e.Do(t, "GET", "/api/v1/operators?limit=2&cursor="+*page.NextCursor, nil, support.Bearer())
				next.JSON(t, &page)
				if len(page.Items) != 1 || page.Items[0].Email != sam.Email || page.NextCursor != nil {
					t.Fatalf("second page %+v", page)
				}
			}},
		{Name: "admin creates an operator, TOTP secret shown once", Method: "POST", Path: "/api/v1/operators", Body: newOp,
			Headers: admin.Bearer(), Status: 201, Check: func(t *testing.T, r *apitest.Response) {
				var en operators.Enrollment
				r.JSON(t, &en)
				if en.Operator.Email != "cy@provider.example.com" || en.TOTPSecret == "" ||
					!strings.HasPrefix(en.OTPAuthURL, "otpauth://totp/MonozuManagement:") {
					t.Fatalf("enrollment %+v", en)
				}
			}},
		{Name: "admin disables another admin", Method: "PATCH", Path: bobPath, Body: disableBob, Headers: admin.Bearer(), Status: 200},
		{Name: "the disabled admin's session has ended", Method: "GET", Path: "/api/v1/me", Headers: bobSession.Bearer(),
			Status: 401, Code: "session_invalid"},
	})
	apitest.Run(t, e.Server.App(), "permission", []apitest.Case{
		{Name: "support cannot create", Method: "POST", Path: "/api/v1/operators", Body: newOp, Headers: support.Bearer(),
			Status: 403, Code: "permission_denied"},
		{Name: "support cannot change", Method: "PATCH", Path: adaPath, Body: demoteSelf, Headers: support.Bearer(),
			Status: 403, Code: "permission_denied"},
	})
	apitest.Run(t, e.Server.App(), "conflict", []apitest.Case{
		{Name: "an admin cannot demote themselves", Method: "PATCH", Path: adaPath, Body: demoteSelf, Headers: admin.Bearer(),
			Status: 409, Code: "own_account"},
		{Name: "an admin cannot disable themselves", Method: "PATCH", Path: adaPath, Body: disableSelf, Headers: admin.Bearer(),
			Status: 409, Code: "own_account"},
		{Name: "a stale version", Method: "PATCH", Path: bobPath, Body: disableBob, Headers: admin.Bearer(),
			Status: 409, Code: "version_conflict"},
		{Name: "a taken e-mail", Method: "POST", Path: "/api/v1/operators", Body: newOp, Headers: admin.Bearer(),
			Status: 422, Code: "validation_failed"},
	})
	apitest.Run(t, e.Server.App(), "validation", []apitest.Case{
		{Name: "weak password, bad role, bad e-mail", Method: "POST", Path: "/api/v1/operators", Headers: admin.Bearer(),
			Body: map[string]string{"email": "x", "name": "X", "role": "root", "password": "password1234"}, Status: 422,
			Check: func(t *testing.T, r *apitest.Response) {
				if n := len(r.Problem(t).Errors); n != 3 {
					t.Fatalf("%d field errors: %s", n, r.Body)
				}
			}},
		{Name: "no version", Method: "PATCH", Path: adaPath, Body: map[string]any{"name": "Ada"}, Headers: admin.Bearer(),
			Status: 422, Code: "validation_failed"},
	})
	apitest.Run(t, e.Server.App(), "not found", []apitest.Case{
		{Name: "unknown id", Method: "PATCH", Path: "/api/v1/operators/0b9e4e43-3c43-4f5e-9a5a-000000000000",
			Body: map[string]any{"name": "X", "version": 1}, Headers: admin.Bearer(), Status: 404, Code: "not_found"},
		{Name: "not a uuid", Method: "PATCH", Path: "/api/v1/operators/nope",
			Body: map[string]any{"name": "X", "version": 1}, Headers: admin.Bearer(), Status: 404, Code: "not_found"},
	})

	// Only the service can reach the last active admin without being them
	// (the command line has no actor).
	support2 := operators.RoleSupport
	current, err := e.Operators.Get(context.Background(), ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Operators.Update(context.Background(), ada.ID, operators.Update{Role: &support2, Version: current.Version})
	if pe := (*errs.Error)(nil); !errors.As(err, &pe) || pe.Code != "last_admin" {
		t.Fatalf("demoting the last admin: %v", err)
	}
}

func TestAuditLog(t *testing.T) {
	e := mgmttest.New(t)
	e.CreateOperator(t, "ada@provider.example.com", operators.RoleAdmin)
	sam := e.CreateOperator(t, "sam@provider.example.com", operators.RoleSupport)
	s := e.Login(t, sam)
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "newest first, in pages", Method: "GET", Path: "/api/v1/audit?limit=2", Headers: s.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				var page struct {
					Items      []operators.AuditEntry `json:"items"`
					NextCursor *string                `json:"next_cursor"`
				}
				r.JSON(t, &page)
				if len(page.Items) != 2 || page.Items[0].Action != "auth.login" || page.NextCursor == nil ||
					page.Items[0].RequestID == "" || page.Items[0].OperatorID == nil || *page.Items[0].OperatorID != sam.ID {
					t.Fatalf("first page %+v", page)
				}
				var actions []string
				for cursor := page.NextCursor; cursor != nil; cursor = page.NextCursor {
					e.Do(t, "GET", "/api/v1/audit?limit=2&cursor="+*cursor, nil, s.Bearer()).JSON(t, &page)
					for _, it := range page.Items {
						actions = append(actions, it.Action)
					}
				}
				if strings.Join(actions, " ") != "operators.create operators.create" {
					t.Fatalf("older entries %v", actions)
				}
			}},
	})
	apitest.Run(t, e.Server.App(), "bad request", []apitest.Case{
		{Name: "a forged cursor", Method: "GET", Path: "/api/v1/audit?cursor=zzz", Headers: s.Bearer(), Status: 400, Code: "invalid_cursor"},
	})
}
