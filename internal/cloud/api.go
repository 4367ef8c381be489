// Package cloud is the composition root of the Cloud API: it wires the
// bounded contexts under internal/cloud/* onto the shared HTTP platform.
package cloud

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud/identity"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/cloud/tenancy"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/migrate"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/migrations"
)

// Audience of the Cloud's access tokens (the management plane has its own).
const Audience = "monozu-cloud"

// AuthConfig are the sign-in settings.
type AuthConfig struct {
	SecretKey           string
	AccessTTL           time.Duration
	RefreshTTL          time.Duration
	MFAIssuer           string
	SecureCookies       bool
	CredentialRateLimit int // per IP and minute, per credential endpoint
}

// Deps are what the Cloud API needs from its process.
type Deps struct {
	HTTP httpapi.Config
	Auth AuthConfig
	DB   *database.DB
	Log  zerolog.Logger
}

// Services are the contexts the API is built from, for callers (monozu dev,
// tests) that use them directly.
type Services struct {
	Tenancy   *tenancy.Service
	Licensing *licensing.Service
	Identity  *identity.Service
}

// NewAPI builds the Cloud API server with every route registered.
func NewAPI(d Deps) (*httpapi.Server, *Services, error) {
	signer, err := auth.NewSigner(d.Auth.SecretKey, Audience, d.Auth.AccessTTL)
	if err != nil {
		return nil, nil, err
	}
	sealer, err := auth.NewSealer(d.Auth.SecretKey, "totp-secrets")
	if err != nil {
		return nil, nil, err
	}
	svc := &Services{Tenancy: tenancy.NewService(d.DB, nil), Licensing: licensing.NewService(d.DB)}
	svc.Identity = identity.NewService(d.DB, svc.Licensing, identity.Config{
		Signer: signer, Sealer: sealer, RefreshTTL: d.Auth.RefreshTTL, MFAIssuer: d.Auth.MFAIssuer,
	})

	s := httpapi.New(d.HTTP, d.Log)
	s.SetGuard(svc.Identity.Guard())
	s.RegisterHealth(func(ctx context.Context) error {
		if err := d.DB.Ping(ctx); err != nil {
			return err
		}
		return migrate.Current(ctx, d.DB, migrations.Cloud())
	})
	s.RegisterOpenAPI("Monozu Cloud API")
	identity.NewHandler(svc.Identity, svc.Tenancy, svc.Licensing, identity.HTTPConfig{
		SecureCookies: d.Auth.SecureCookies, AllowedOrigins: d.HTTP.AllowOrigins, CredentialRateLimit: d.Auth.CredentialRateLimit,
	}).Routes(s)
	return s, svc, nil
}
