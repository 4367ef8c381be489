// Package mgmt is the composition root of the management plane: the
// platform provider's own API on its own database, wiring the contexts under
// internal/mgmt/* onto the shared HTTP platform.
package mgmt

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/mgmt/operators"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/migrate"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/migrations"
)

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
	Log          zerolog.Logger
}

// API is the management plane's HTTP API.
type API struct {
	Server    *httpapi.Server
	Operators *operators.Service
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
		CredentialRateLimit: d.CredentialRateLimit}).Routes(s)
	return &API{Server: s, Operators: ops}, nil
}

// Run serves HTTP on addr until ctx ends, then drains in-flight requests.
func (a *API) Run(ctx context.Context, addr string) error { return a.Server.Serve(ctx, addr) }
