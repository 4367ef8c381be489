// Package mgmt is the composition root of the management plane: the
// platform provider's own API on its own database, wiring the contexts under
// internal/mgmt/* onto the shared HTTP platform.
package mgmt

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/mgmt/cloudlink"
	"github.com/monozu/monozu/internal/mgmt/deliveries"
	"github.com/monozu/monozu/internal/mgmt/operators"
	"github.com/monozu/monozu/internal/mgmt/tenants"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/migrate"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/jobs"
	"github.com/monozu/monozu/internal/platform/webui"
	"github.com/monozu/monozu/migrations"
)

// CookiePrefix names the management plane's session cookies apart from
// the Cloud's (mgmt_refresh_token, mgmt_csrf_token): on one host browsers
// share cookies between ports.
const CookiePrefix = "mgmt_"

// Audience of operators' access tokens: a Cloud token (monozu-cloud) signed
// with the same key is refused here, and the other way round.
const Audience = "monozu-mgmt"

// Deps are what the management API needs from its process.
type Deps struct {
	HTTP       httpapi.Config
	DB         *database.DB // the management database (MGMT_DATABASE_URL)
	SecretKey  string
	AccessTTL  time.Duration
	RefreshTTL time.Duration
	// SecureCookies marks cookies Secure (everywhere but local development).
	SecureCookies bool
	// AllowedOrigins may call the cookie-authenticated endpoints.
	AllowedOrigins []string
	// CredentialRateLimit is per IP and minute, per credential endpoint.
	CredentialRateLimit int
	// PasswordCost is bcrypt's cost; 0 means auth.BcryptCost. Only tests
	// lower it.
	PasswordCost int
	// CloudAPIURL and WebhookSecret reach the Cloud's licence receiver
	// (CLOUD_API_URL, CLOUD_WEBHOOK_HMAC_SECRET).
	CloudAPIURL   string
	WebhookSecret []byte
	// InternalToken authenticates the Cloud's machine calls
	// (CLOUD_INTERNAL_API_TOKEN).
	InternalToken string
	// JobPollInterval is how often idle job workers look for work.
	JobPollInterval time.Duration
	Log             zerolog.Logger
}

// API is the management plane's HTTP API and its background jobs.
type API struct {
	Server    *httpapi.Server
	Operators *operators.Service
	Tenants   *tenants.Service
	Outbox    *deliveries.Outbox
	Jobs      *jobs.Queue
}

// NewAPI builds the management API with every route registered.
func NewAPI(d Deps) (*API, error) {
	signer, err := auth.NewSigner(d.SecretKey, Audience, d.AccessTTL)
	if err != nil {
		return nil, err
	}
	// A purpose of its own: a sealed Cloud secret never opens here.
	sealer, err := auth.NewSealer(d.SecretKey, "mgmt-totp-secrets")
	if err != nil {
		return nil, err
	}
	ops := operators.NewService(d.DB, operators.Config{Passwords: auth.NewPasswords(d.PasswordCost), Signer: signer,
		Sealer: sealer, RefreshTTL: d.RefreshTTL})
	if len(d.InternalToken) < 32 {
		return nil, errors.New("the management plane needs CLOUD_INTERNAL_API_TOKEN (at least 32 characters) for the Cloud's calls")
	}
	workers := river.NewWorkers()
	if d.CloudAPIURL != "" && len(d.WebhookSecret) > 0 {
		deliveries.NewSender(d.DB, d.CloudAPIURL, d.WebhookSecret).AddWorker(workers)
	} else {
		return nil, errors.New("the management plane needs CLOUD_API_URL and CLOUD_WEBHOOK_HMAC_SECRET to push licences")
	}
	queue, err := jobs.New(d.DB, jobs.Options{Workers: workers, MaxWorkers: 5, PollInterval: d.JobPollInterval})
	if err != nil {
		return nil, err
	}
	outbox := deliveries.NewOutbox(queue)

	s := httpapi.New(d.HTTP, d.Log)
	s.SetGuard(ops.Guard())
	s.RegisterHealth(func(ctx context.Context) error {
		if err := d.DB.Ping(ctx); err != nil {
			return err
		}
		return migrate.Current(ctx, d.DB, migrations.Mgmt())
	})
	s.RegisterOpenAPI("Monozu Management API")
	operators.NewHandler(ops, operators.HTTPConfig{SecureCookies: d.SecureCookies, AllowedOrigins: d.AllowedOrigins,
		CredentialRateLimit: d.CredentialRateLimit, CookiePrefix: CookiePrefix}).Routes(s)
	tenantSvc := tenants.NewService(d.DB, outbox, cloudlink.New(d.CloudAPIURL, d.InternalToken))
	tenantSvc.Routes(s)
	tenantSvc.InternalRoutes(s, d.InternalToken, d.CredentialRateLimit)
	outbox.Routes(s, d.DB)
	// Last: the Management SPA answers the GET paths no route matched.
	if !webui.Built("mgmt") {
		d.Log.Warn().Msg("the Management web UI was not built into this binary (make build with npm installed): / answers a placeholder page")
	}
	s.ServeApp(webui.Mgmt())
	return &API{Server: s, Operators: ops, Tenants: tenantSvc, Outbox: outbox, Jobs: queue}, nil
}

// Run serves HTTP on addr and works jobs until ctx ends, then drains both.
func (a *API) Run(ctx context.Context, addr string) error {
	return a.Jobs.RunBeside(ctx, func(ctx context.Context) error { return a.Server.Serve(ctx, addr) })
}
