package identity_test

import (
	"database/sql"
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

type enrolment struct {
	secret string
	codes  []string
}

// enrol switches MFA on for the session's user.
func enrol(t *testing.T, e *cloudtest.Env, s cloudtest.Session) enrolment {
	t.Helper()
	var setup struct {
		Secret     string `json:"secret"`
		OTPAuthURL string `json:"otpauth_url"`
	}
	r := e.Do(t, "POST", "/api/v1/me/mfa/setup", nil, s.Bearer())
	if r.Status != 200 {
		t.Fatalf("setup: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &setup)
	code, _ := auth.TOTPCode(setup.Secret, time.Now())
	r = e.Do(t, "POST", "/api/v1/me/mfa/confirm", map[string]string{"code": code}, s.Bearer())
	if r.Status != 200 {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}
	var out struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	r.JSON(t, &out)
	if len(out.RecoveryCodes) != 10 {
		t.Fatalf("recovery codes: %v", out.RecoveryCodes)
	}
	return enrolment{secret: setup.Secret, codes: out.RecoveryCodes}
}

// passwordStep signs in and returns the MFA session token.
func passwordStep(t *testing.T, e *cloudtest.Env, email string) string {
	t.Helper()
	r := e.Do(t, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": cloudtest.Password}, nil)
	var out struct {
		MFARequired  bool   `json:"mfa_required"`
		SessionToken string `json:"session_token"`
		AccessToken  string `json:"access_token"`
	}
	r.JSON(t, &out)
	if r.Status != 200 || !out.MFARequired || out.SessionToken == "" || out.AccessToken != "" {
		t.Fatalf("login with MFA on: %d %s", r.Status, r.Body)
	}
	return out.SessionToken
}

func TestMFAEnrolmentAndSignIn(t *testing.T) {
	e := cloudtest.New(t)
	_, s := e.ActiveTenant(t, "mfa-org")
	email := "admin@mfa-org.example.com"
	en := enrol(t, e, s)
	if r := e.Do(t, "POST", "/api/v1/auth/logout", nil, s.Cookies()); r.Status != 204 {
		t.Fatalf("logout: %d", r.Status)
	}

	// The code of the next time step: the enrolment used the current one.
	next, _ := auth.TOTPCode(en.secret, time.Now().Add(30*time.Second))
	token := passwordStep(t, e, email)
	verify := func(body map[string]string) *apitest.Response {
		return e.Do(t, "POST", "/api/v1/auth/mfa/verify", body, nil)
	}
	r := verify(map[string]string{"session_token": token, "totp_code": next})
	if r.Status != 200 {
		t.Fatalf("verify TOTP: %d %s", r.Status, r.Body)
	}
	cloudtest.SessionFrom(t, r)

	apitest.Run(t, e.Server.App(), "single use", []apitest.Case{
		{Name: "the challenge again", Method: "POST", Path: "/api/v1/auth/mfa/verify",
			Body: map[string]string{"session_token": token, "totp_code": next}, Status: 401, Code: "invalid_mfa_code"},
		{Name: "the same TOTP code on a new challenge", Method: "POST", Path: "/api/v1/auth/mfa/verify",
			Body: map[string]string{"session_token": passwordStep(t, e, email), "totp_code": next}, Status: 401, Code: "invalid_mfa_code"},
	})

	r = verify(map[string]string{"session_token": passwordStep(t, e, email), "recovery_code": en.codes[3]})
	if r.Status != 200 {
		t.Fatalf("verify recovery code: %d %s", r.Status, r.Body)
	}
	apitest.Run(t, e.Server.App(), "recovery codes", []apitest.Case{
		{Name: "used once only", Method: "POST", Path: "/api/v1/auth/mfa/verify",
			Body: map[string]string{"session_token": passwordStep(t, e, email), "recovery_code": en.codes[3]}, Status: 401, Code: "invalid_mfa_code"},
		{Name: "both factors at once", Method: "POST", Path: "/api/v1/auth/mfa/verify",
			Body: map[string]string{"session_token": "x", "recovery_code": en.codes[4], "totp_code": "123456"}, Status: 422},
	})
}

func TestMFAChallengeDiesAfterFiveWrongCodes(t *testing.T) {
	e := cloudtest.New(t)
	_, s := e.ActiveTenant(t, "mfa-guess")
	en := enrol(t, e, s)
	token := passwordStep(t, e, "admin@mfa-guess.example.com")
	var cases []apitest.Case
	for i := range 5 {
		cases = append(cases, apitest.Case{Name: "wrong " + string(rune('1'+i)), Method: "POST", Path: "/api/v1/auth/mfa/verify",
			Body: map[string]string{"session_token": token, "totp_code": "000000"}, Status: 401})
	}
	right, _ := auth.TOTPCode(en.secret, time.Now().Add(30*time.Second))
	cases = append(cases, apitest.Case{Name: "then even the right code", Method: "POST", Path: "/api/v1/auth/mfa/verify",
		Body: map[string]string{"session_token": token, "totp_code": right}, Status: 401, Code: "invalid_mfa_code"})
	apitest.Run(t, e.Server.App(), "guessing", cases)
}

func TestMFADisableAndRecoveryCodesNeedThePassword(t *testing.T) {
	e := cloudtest.New(t)
	_, s := e.ActiveTenant(t, "mfa-off")
	enrol(t, e, s)
	apitest.Run(t, e.Server.App(), "re-authentication", []apitest.Case{
		{Name: "setup again", Method: "POST", Path: "/api/v1/me/mfa/setup", Headers: s.Bearer(), Status: 409, Code: "mfa_already_enabled"},
		{Name: "new codes, wrong password", Method: "POST", Path: "/api/v1/me/mfa/recovery-codes", Headers: s.Bearer(),
			Body: map[string]string{"password": "not my password!"}, Status: 422},
		{Name: "new codes", Method: "POST", Path: "/api/v1/me/mfa/recovery-codes", Headers: s.Bearer(),
			Body: map[string]string{"password": cloudtest.Password}, Status: 200},
		{Name: "disable, wrong password", Method: "POST", Path: "/api/v1/me/mfa/disable", Headers: s.Bearer(),
			Body: map[string]string{"password": "not my password!"}, Status: 422},
		{Name: "disable", Method: "POST", Path: "/api/v1/me/mfa/disable", Headers: s.Bearer(),
			Body: map[string]string{"password": cloudtest.Password}, Status: 204},
		{Name: "login without a second step", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "admin@mfa-off.example.com", "password": cloudtest.Password}, Status: 200},
	})
}

func TestTenantMFAPolicyForcesEnrolment(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, _ := e.ActiveTenant(t, "mfa-policy")
	e.Server.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/probe", Permission: "assets.read", Summary: "probe",
		Handler: func(c fiber.Ctx) error { return c.SendStatus(http.StatusNoContent) }})
	admin, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	if _, err := admin.Exec(`UPDATE tenants SET mfa_policy = 'required' WHERE id = $1`, tenantID); err != nil {
		t.Fatal(err)
	}
	r := e.Do(t, "POST", "/api/v1/auth/login", map[string]string{"email": "admin@mfa-policy.example.com", "password": cloudtest.Password}, nil)
	var out struct {
		MFAEnrollmentRequired bool `json:"mfa_enrollment_required"`
	}
	r.JSON(t, &out)
	if r.Status != 200 || !out.MFAEnrollmentRequired {
		t.Fatalf("login under a required policy: %d %s", r.Status, r.Body)
	}
	s := cloudtest.SessionFrom(t, r)
	apitest.Run(t, e.Server.App(), "before enrolment", []apitest.Case{
		{Name: "me works", Method: "GET", Path: "/api/v1/me", Headers: s.Bearer(), Status: 200},
		{Name: "everything else waits", Method: "GET", Path: "/api/v1/probe", Headers: s.Bearer(), Status: 403, Code: "mfa_enrollment_required"},
	})
	enrol(t, e, s)
	apitest.Run(t, e.Server.App(), "after enrolment", []apitest.Case{
		{Name: "open", Method: "GET", Path: "/api/v1/probe", Headers: s.Bearer(), Status: 204},
		{Name: "cannot switch it off", Method: "POST", Path: "/api/v1/me/mfa/disable", Headers: s.Bearer(),
			Body: map[string]string{"password": cloudtest.Password}, Status: 409, Code: "mfa_required_by_policy"},
	})
}
