// Package cloudtest builds the Cloud API for tests, with settings that let
// table tests run many sign-ins, and helpers to get signed-in users.
package cloudtest

import (
	"context"
	"database/sql"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection of fixtures
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/blob"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/jobs/jobstest"
	"github.com/monozu/monozu/internal/platform/mail"
	"github.com/monozu/monozu/internal/platform/rbac"
	"github.com/monozu/monozu/internal/platform/release"
	"github.com/monozu/monozu/migrations"
)

// SecretKey signs the tests' tokens.
const SecretKey = "cloudtest-secret-key-0123456789abcdef"

// Origin is the allowed browser origin in tests.
const Origin = "https://app.monozu.test"

// WebhookSecret signs the tests' licence pushes.
const WebhookSecret = "cloudtest-webhook-secret-0123456789"

// IngestURL is the ingestor's public URL handed to devices in tests.
const IngestURL = "https://ingest.monozu.test"

// AppBaseURL is where links in test e-mails point.
const AppBaseURL = "https://app.monozu.test"

// SnapPublishToken may publish agent releases in tests.
const SnapPublishToken = "cloudtest-snap-publish-token-0123456789"

// SnapSigningKey is the tests' release key (base64 of a 32-byte seed).
const SnapSigningKey = "Y2xvdWR0ZXN0LXJlbGVhc2Uta2V5LTAxMjM0NTY3ODk="

// Deps returns API dependencies on d, sending mail to outbox.
func Deps(d *dbtest.DB, outbox *mail.Outbox) cloud.Deps {
	return cloud.Deps{
		Mailer: outbox, AppBaseURL: AppBaseURL, JobPollInterval: 50 * time.Millisecond,
		WebhookSecret:   []byte(WebhookSecret),
		IngestPublicURL: IngestURL, DeviceRateLimit: 10_000,
		HTTP: httpapi.Config{Service: "api", Version: "test", BodyLimit: 1 << 20, UploadLimit: 25 << 20, ReadTimeout: 5 * time.Second,
			WriteTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second, ShutdownTimeout: time.Second,
			AllowOrigins: []string{Origin}},
		Auth: cloud.AuthConfig{SecretKey: SecretKey, AccessTTL: time.Hour, RefreshTTL: 7 * 24 * time.Hour,
			MFAIssuer: "MonozuTest", SecureCookies: true, CredentialRateLimit: 10_000,
			PasswordCost: PasswordCost},
		DB:        d.App,
		Platform:  d.Platform,
		ListenURL: d.AppURL,
		Log:       zerolog.Nop(),
	}
}

// Env is a Cloud API on its own database, working its jobs.
type Env struct {
	DB *dbtest.DB
	// API is the whole API (device keys, last-seen writer, hub) for tests
	// that reach past the routes.
	API      *cloud.API
	Server   *httpapi.Server
	Services *cloud.Services
	Outbox   *mail.Outbox
}

// New builds the API on a fresh database; adjust may change the settings.
func New(t *testing.T, adjust ...func(*cloud.Deps)) *Env {
	t.Helper()
	d := dbtest.New(t, migrations.Cloud())
	outbox := mail.NewOutbox(zerolog.Nop(), 100)
	deps := Deps(d, outbox)
	store, err := blob.Local(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	signer, err := release.ParseSigningKey(SnapSigningKey)
	if err != nil {
		t.Fatal(err)
	}
	deps.Releases = cloud.ReleaseDeps{Store: store, PublishToken: SnapPublishToken, Signer: &signer}
	for _, a := range adjust {
		a(&deps)
	}
	api, err := cloud.NewAPI(deps)
	if err != nil {
		t.Fatal(err)
	}
	jobstest.Run(t, api.Jobs)
	return &Env{DB: d, API: api, Server: api.Server, Services: api.Services, Outbox: outbox}
}

// Serve runs the API on a loopback port with its event listener, for
// tests that need a real connection (WebSockets), until the test ends. It
// returns once the listener is listening, with the server's address.
func (e *Env) Serve(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- e.API.RunRealtime(ctx, func(ctx context.Context) error { return e.Server.ServeListener(ctx, ln) })
	}()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("API: %v", err)
		}
	})
	if e.API.Listener != nil {
		select {
		case <-e.API.Listener.Listening():
		case <-time.After(15 * time.Second):
			t.Fatal("the event listener did not start listening")
		}
	}
	return ln.Addr().String()
}

// WaitForMail waits for a message to to arrive and returns the link in it
// that starts with prefix (e.g. AppBaseURL+"/invite/").
func (e *Env) WaitForMail(t *testing.T, to, prefix string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range e.Outbox.List() {
			if len(m.Message.To) == 1 && m.Message.To[0] == to {
				for _, word := range strings.Fields(m.Message.Text) {
					if strings.HasPrefix(word, prefix) {
						return word
					}
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no mail to %s with a link %s…", to, prefix)
	return ""
}

// Listen serves the API on a loopback port until the test ends and returns
// its base URL, for what only a real connection shows (answers the server
// gives while reading a request, before routing).
func (e *Env) Listen(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Server.ServeListener(ctx, ln) }()
	t.Cleanup(func() { stop(); <-done })
	return "http://" + ln.Addr().String()
}

// Do sends a request through the API.
func (e *Env) Do(t *testing.T, method, path string, body any, headers map[string]string) *apitest.Response {
	t.Helper()
	return apitest.Do(t, e.Server.App(), method, path, body, headers)
}

// PasswordCost is bcrypt's minimum: the tests sign in hundreds of times
// under the race detector, and the cost does not change behaviour.
const PasswordCost = 4

// Password is a password every test user can use.
const Password = "correct horse battery staple"

// Register signs up an organisation and returns its tenant id.
func (e *Env) Register(t *testing.T, account, email string) uuid.UUID {
	t.Helper()
	r := e.Do(t, "POST", "/api/v1/auth/register", map[string]string{
		"account_name": account, "organization_name": account + " Ltd", "email": email,
		"password": Password, "display_name": "Admin of " + account,
	}, nil)
	if r.Status != 201 {
		t.Fatalf("register %s: %d %s", account, r.Status, r.Body)
	}
	var out struct {
		TenantID uuid.UUID `json:"tenant_id"`
	}
	r.JSON(t, &out)
	return out.TenantID
}

// License applies a licence with the given optional modules.
func (e *Env) License(t *testing.T, tenantID uuid.UUID, features ...rbac.Feature) {
	t.Helper()
	ctx := auth.WithPrincipal(context.Background(), auth.System(tenantID))
	l := licensing.License{Plan: "test", Features: features, StartsAt: time.Now().Add(-time.Hour)}
	if err := e.Services.Licensing.Apply(ctx, l, "test"); err != nil {
		t.Fatal(err)
	}
}

// Session is a signed-in browser (see apitest.Session).
type Session = apitest.Session

// Login signs in and fails the test unless tokens come back.
func (e *Env) Login(t *testing.T, email string) Session {
	t.Helper()
	r := e.Do(t, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": Password}, nil)
	if r.Status != 200 {
		t.Fatalf("login %s: %d %s", email, r.Status, r.Body)
	}
	return SessionFrom(t, r)
}

// SessionFrom reads the tokens of a sign-in or refresh response.
func SessionFrom(t *testing.T, r *apitest.Response) Session {
	t.Helper()
	return apitest.SessionFrom(t, r, Origin)
}

// ActiveTenant registers, licenses and signs in an organisation's admin.
func (e *Env) ActiveTenant(t *testing.T, account string, features ...rbac.Feature) (uuid.UUID, Session) {
	t.Helper()
	email := "admin@" + account + ".example.com"
	id := e.Register(t, account, email)
	e.License(t, id, features...)
	return id, e.Login(t, email)
}

// UserInGroup adds an active user with Password to the tenant's built-in
// group ("admin" or "read_only") and signs them in. It writes through the
// admin connection, as a fixture, so tests of one module do not depend on
// another module's endpoints.
func (e *Env) UserInGroup(t *testing.T, tenantID uuid.UUID, email, builtIn string) Session {
	t.Helper()
	e.addUser(t, tenantID, email, `INSERT INTO group_members (tenant_id, group_id, user_id)
		SELECT $1, g.id, u.id FROM groups g, u WHERE g.tenant_id = $1 AND g.built_in = $4`, builtIn)
	return e.Login(t, email)
}

// UserWithPermissions adds an active user whose only group (named after
// them) grants permissions, and signs them in; a fixture like UserInGroup.
func (e *Env) UserWithPermissions(t *testing.T, tenantID uuid.UUID, email string, permissions ...string) Session {
	t.Helper()
	e.addUser(t, tenantID, email, `, g AS (INSERT INTO groups (tenant_id, name, permissions) VALUES ($1, $2, $4) RETURNING id)
		INSERT INTO group_members (tenant_id, group_id, user_id) SELECT $1, g.id, u.id FROM g, u`, permissions)
	return e.Login(t, email)
}

// addUser inserts a user with Password and runs membership after it in the
// same statement ($1 tenant, $2 e-mail, u the user, $4 group).
func (e *Env) addUser(t *testing.T, tenantID uuid.UUID, email, membership string, group any) {
	t.Helper()
	hash, err := auth.NewPasswords(PasswordCost).Hash(Password)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	_, err = db.Exec(`WITH u AS (
			INSERT INTO users (tenant_id, email, display_name, status, password_hash) VALUES ($1, $2, $2, 'active', $3) RETURNING id)
		`+membership, tenantID, email, hash, group)
	if err != nil {
		t.Fatal(err)
	}
}
