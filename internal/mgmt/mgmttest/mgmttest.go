// Package mgmttest builds the management API for tests on a fresh
// management database, with helpers to create operators and sign them in.
package mgmttest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/mgmt"
	"github.com/monozu/monozu/internal/mgmt/deliveries"
	"github.com/monozu/monozu/internal/mgmt/operators"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/jobs/jobstest"
	"github.com/monozu/monozu/migrations"
)

// SecretKey signs the tests' tokens.
const SecretKey = "mgmttest-secret-key-0123456789abcdef"

// Origin is the allowed browser origin in tests.
const Origin = "https://mgmt.monozu.test"

// Password is a password every test operator can use.
const Password = "correct horse battery staple"

// PasswordCost is bcrypt's minimum: the cost does not change behaviour and
// the tests sign in many times under the race detector.
const PasswordCost = 4

// Deps returns API dependencies on d.
func Deps(d *dbtest.DB) mgmt.Deps {
	return mgmt.Deps{
		HTTP: httpapi.Config{Service: "mgmt", Version: "test", BodyLimit: 1 << 20, ReadTimeout: 5 * time.Second,
			WriteTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second, ShutdownTimeout: time.Second,
			AllowOrigins: []string{Origin}},
		DB: d.App, SecretKey: SecretKey, AccessTTL: time.Hour, RefreshTTL: 7 * 24 * time.Hour,
		SecureCookies: true, AllowedOrigins: []string{Origin}, CredentialRateLimit: 10_000,
		PasswordCost: PasswordCost, Log: zerolog.Nop(),
		CloudAPIURL: "http://127.0.0.1:1", WebhookSecret: []byte(WebhookSecret), JobPollInterval: 50 * time.Millisecond,
		InternalToken: InternalToken,
	}
}

// InternalToken stands in for CLOUD_INTERNAL_API_TOKEN.
const InternalToken = "mgmttest-internal-token-0123456789abcdef"

// WebhookSecret signs the tests' licence pushes.
const WebhookSecret = "mgmttest-webhook-secret-0123456789ab"

// Env is the management API on its own database.
type Env struct {
	DB        *dbtest.DB
	Server    *httpapi.Server
	Operators *operators.Service
	Outbox    *deliveries.Outbox

	mu      sync.Mutex
	signIns map[uuid.UUID]int // per operator, for fresh TOTP steps
}

// New builds the API on a fresh database; adjust may change the settings.
func New(t *testing.T, adjust ...func(*mgmt.Deps)) *Env {
	t.Helper()
	d := dbtest.New(t, migrations.Mgmt())
	deps := Deps(d)
	for _, a := range adjust {
		a(&deps)
	}
	api, err := mgmt.NewAPI(deps)
	if err != nil {
		t.Fatal(err)
	}
	jobstest.Run(t, api.Jobs)
	return &Env{DB: d, Server: api.Server, Operators: api.Operators, Outbox: api.Outbox, signIns: map[uuid.UUID]int{}}
}

// Do sends a request through the API.
func (e *Env) Do(t *testing.T, method, path string, body any, headers map[string]string) *apitest.Response {
	t.Helper()
	return apitest.Do(t, e.Server.App(), method, path, body, headers)
}

// Operator is a test operator and the TOTP secret of their authenticator.
type Operator struct {
	operators.Operator
	Secret string
}

// CreateOperator adds an operator with Password through the service, as
// the command line does.
func (e *Env) CreateOperator(t *testing.T, email string, role operators.Role) Operator {
	t.Helper()
	en, err := e.Operators.Create(context.Background(), operators.NewOperator{Email: email, Name: "Operator " + email,
		Role: role, Password: Password})
	if err != nil {
		t.Fatal(err)
	}
	return Operator{Operator: en.Operator, Secret: en.TOTPSecret}
}

// Session is a signed-in browser (see apitest.Session).
type Session = apitest.Session

// PasswordStep signs in with Password and returns the TOTP step's token.
func (e *Env) PasswordStep(t *testing.T, email string) string {
	t.Helper()
	r := e.Do(t, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": Password}, nil)
	if r.Status != 200 {
		t.Fatalf("login %s: %d %s", email, r.Status, r.Body)
	}
	var out operators.LoginResponse
	r.JSON(t, &out)
	if !out.MFARequired || out.SessionToken == "" {
		t.Fatalf("login %s did not open the TOTP step: %s", email, r.Body)
	}
	return out.SessionToken
}

// Login signs an operator in with a TOTP code. A code is accepted once and
// only for a step newer than the last one used, and the server accepts one
// step either side of now: the first sign-in uses the current step, the
// second the next one, and a third within the same half-minute is refused
// (use another operator).
func (e *Env) Login(t *testing.T, o Operator) Session {
	t.Helper()
	e.mu.Lock()
	n := e.signIns[o.ID]
	e.signIns[o.ID] = n + 1
	e.mu.Unlock()
	if n > 1 {
		t.Fatalf("operator %s signed in more than twice: TOTP steps run out; use another operator", o.Email)
	}
	code, err := auth.TOTPCode(o.Secret, time.Now().Add(time.Duration(n)*30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	r := e.Do(t, "POST", "/api/v1/auth/mfa/verify", map[string]string{"session_token": e.PasswordStep(t, o.Email), "totp_code": code}, nil)
	if r.Status != 200 {
		t.Fatalf("mfa verify %s: %d %s", o.Email, r.Status, r.Body)
	}
	return SessionFrom(t, r)
}

// SessionFrom reads the tokens of a sign-in or refresh response.
func SessionFrom(t *testing.T, r *apitest.Response) Session {
	t.Helper()
	return apitest.SessionFrom(t, r, Origin)
}
