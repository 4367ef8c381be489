// Package apicontract writes the OpenAPI documents the web apps are typed
// from. Each service's document is built by the service's own composition
// root (every route set switched on, no database connection, a fixed
// version), so the committed files under web/api/openapi/ are exactly what
// the Go DTOs say today; a test fails when they are not.
package apicontract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/mgmt"
	"github.com/monozu/monozu/internal/platform/blob"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/release"
)

// Dir is where the documents are committed, from the repository root.
const Dir = "web/api/openapi"

// RefreshCommand rewrites the documents and the TypeScript generated from
// them; failures tell the developer to run it.
const RefreshCommand = "make openapi"

// Version stands in the documents' info.version: the build's version would
// change the files with every commit.
const Version = "contract"

// Services are the documents the web apps use, by file name (<name>.json).
var Services = []string{"cloud", "mgmt"}

// Document is the OpenAPI 3.1 document of a service as indented JSON with a
// final newline (stable: maps marshal in key order).
func Document(service string) ([]byte, error) {
	var (
		s     *httpapi.Server
		title string
	)
	switch service {
	case "cloud":
		api, err := cloudAPI()
		if err != nil {
			return nil, err
		}
		s, title = api.Server, "Monozu Cloud API"
	case "mgmt":
		api, err := mgmtAPI()
		if err != nil {
			return nil, err
		}
		s, title = api.Server, "Monozu Management API"
	default:
		return nil, fmt.Errorf("unknown service %q (want one of %v)", service, Services)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s.OpenAPI(title)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write writes every service's document into dir.
func Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range Services {
		doc, err := Document(name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".json"), doc, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Settings that only switch route sets on; nothing here is ever used to
// sign, seal or connect.
const (
	placeholderSecret = "openapi-contract-placeholder-secret-0123456789"
	placeholderURL    = "postgres://monozu@contract.invalid/monozu?sslmode=disable"
)

func httpConfig(service string) httpapi.Config {
	return httpapi.Config{Service: service, Version: Version, BodyLimit: 1 << 20, UploadLimit: 1 << 20, ReadTimeout: time.Second,
		WriteTimeout: time.Second, IdleTimeout: time.Second, ShutdownTimeout: time.Second}
}

func unconnected() (*database.DB, error) {
	return database.Unconnected(database.Options{URL: placeholderURL, MaxOpenConns: 1})
}

// noBlobs is a store nothing calls: building the routes never touches it.
type noBlobs struct{ blob.Store }

// cloudAPI is the Cloud API with every optional route set the product can
// serve (management link, licence pushes, releases with publishing, the
// live feed); only the development mail outbox is left out.
func cloudAPI() (*cloud.API, error) {
	db, err := unconnected()
	if err != nil {
		return nil, err
	}
	signer, err := release.ParseSigningKey("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	if err != nil {
		return nil, err
	}
	return cloud.NewAPI(cloud.Deps{
		HTTP: httpConfig("api"),
		Auth: cloud.AuthConfig{SecretKey: placeholderSecret, AccessTTL: time.Minute, RefreshTTL: time.Hour,
			MFAIssuer: "Monozu", CredentialRateLimit: 1},
		DB: db, Platform: nil, AppBaseURL: "https://contract.invalid",
		WebhookSecret: []byte(placeholderSecret), ManagementURL: "https://contract.invalid", InternalToken: placeholderSecret,
		IngestPublicURL: "https://contract.invalid", DeviceRateLimit: 1, ListenURL: placeholderURL,
		Releases: cloud.ReleaseDeps{Store: noBlobs{}, PublishToken: placeholderSecret, Signer: &signer},
		Log:      zerolog.Nop(),
	})
}

func mgmtAPI() (*mgmt.API, error) {
	db, err := unconnected()
	if err != nil {
		return nil, err
	}
	return mgmt.NewAPI(mgmt.Deps{
		HTTP: httpConfig("mgmt"), DB: db, SecretKey: placeholderSecret, AccessTTL: time.Minute, RefreshTTL: time.Hour,
		CredentialRateLimit: 1, CloudAPIURL: "https://contract.invalid", WebhookSecret: []byte(placeholderSecret),
		InternalToken: placeholderSecret, Log: zerolog.Nop(),
	})
}
