// Package cloudtest builds the Cloud API for tests, with settings that let
// table tests run many sign-ins, and helpers to get signed-in users.
package cloudtest

import (
	"time"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// SecretKey signs the tests' tokens.
const SecretKey = "cloudtest-secret-key-0123456789abcdef"

// Origin is the allowed browser origin in tests.
const Origin = "https://app.monozu.test"

// Deps returns API dependencies on d.
func Deps(d *dbtest.DB) cloud.Deps {
	return cloud.Deps{
		HTTP: httpapi.Config{Service: "api", Version: "test", BodyLimit: 1 << 20, ReadTimeout: 5 * time.Second,
			WriteTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second, ShutdownTimeout: time.Second,
			AllowOrigins: []string{Origin}},
		Auth: cloud.AuthConfig{SecretKey: SecretKey, AccessTTL: time.Hour, RefreshTTL: 7 * 24 * time.Hour,
			MFAIssuer: "MonozuTest", SecureCookies: true, CredentialRateLimit: 10_000},
		DB:  d.App,
		Log: zerolog.Nop(),
	}
}
