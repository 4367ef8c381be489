// Package config loads Monozu's typed configuration from the environment (and a
// .env file in development) and refuses unsafe production settings.
package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// Environments.
const (
	EnvDevelopment = "development"
	EnvTest        = "test"
	EnvProduction  = "production"
)

// Development defaults that production must never run with.
const (
	devSecretKey     = "dev-only-secret-key-change-me-0123456789"
	devWebhookSecret = "dev-only-webhook-secret-change-me-012345"
	devInternalToken = "dev-only-internal-token-change-me-012345"
	devDBPassword    = "monozu-dev"
	devPublishToken  = "dev-only-snap-publish-token-change-me-01"
	// devSnapSigningKey is a fixed Ed25519 seed (base64, 32 bytes) so that a
	// development agent can verify development releases across restarts.
	devSnapSigningKey = "ZGV2LW9ubHktc25hcC1zaWduaW5nLWtleS0wMDAwMDA="
)

// Config is every setting of the monozu binary. Field tags drive loading,
// validation messages, --help output and the masked start-up log:
//
//	env      the variable name (seed names are kept exactly)
//	default  used when the variable is unset or empty
//	group    which commands show it in --help (core, db, http, auth, integration, edge, mail, otel)
//	secret   masked in logs
//	help     one line for --help and the README table
type Config struct {
	Env       string `env:"MONOZU_ENV" default:"development" group:"core" help:"development, test or production; production refuses development defaults"`
	LogLevel  string `env:"LOG_LEVEL" default:"info" group:"core" help:"trace, debug, info, warn or error"`
	LogFormat string `env:"LOG_FORMAT" default:"" group:"core" help:"json or console; empty means console in development, json otherwise"`
	DataDir   string `env:"MONOZU_DATA_DIR" default:".data" group:"core" help:"where monozu dev keeps its local PostgreSQL cluster"`

	DatabaseURL          string        `env:"DATABASE_URL" group:"db" secret:"true" help:"app role connection (not superuser, no BYPASSRLS); unset in dev starts a local cluster"`
	DatabaseAdminURL     string        `env:"DATABASE_ADMIN_URL" group:"db" secret:"true" help:"role allowed to create roles; used only by migrate (and dev at start)"`
	DatabasePlatformURL  string        `env:"DATABASE_PLATFORM_URL" group:"db" secret:"true" help:"audited platform role for cross-tenant operations (BYPASSRLS); never used by request handlers"`
	MgmtDatabaseURL      string        `env:"MGMT_DATABASE_URL" group:"db" secret:"true" help:"the management plane's own database (app role); migrate prepares it when set"`
	MgmtDatabaseAdminURL string        `env:"MGMT_DATABASE_ADMIN_URL" group:"db" secret:"true" help:"role that may create roles on the management database's server; default DATABASE_ADMIN_URL"`
	DBMaxOpenConns       int           `env:"DB_MAX_OPEN_CONNS" default:"20" group:"db" help:"pool size limit per process"`
	DBMaxIdleConns       int           `env:"DB_MAX_IDLE_CONNS" default:"10" group:"db" help:"idle connections kept in the pool"`
	DBConnMaxLifetime    time.Duration `env:"DB_CONN_MAX_LIFETIME" default:"30m" group:"db" help:"recycle pooled connections after this long"`
	DBQueryTimeout       time.Duration `env:"DB_QUERY_TIMEOUT" default:"10s" group:"db" help:"deadline applied to every database call"`

	APIAddr         string        `env:"API_ADDR" default:":8000" group:"http" help:"listen address of the Cloud API"`
	MgmtAddr        string        `env:"MGMT_ADDR" default:":8080" group:"http" help:"listen address of the management plane"`
	MetricsAddr     string        `env:"METRICS_ADDR" group:"http" help:"when set, Prometheus metrics are served on this address at /metrics"`
	AllowOrigins    []string      `env:"ALLOW_ORIGINS" group:"http" help:"comma-separated browser origins allowed by CORS; required in production"`
	APIPublicURL    string        `env:"API_PUBLIC_URL" default:"http://localhost:8000" group:"http" help:"public base URL of the Cloud API"`
	AppBaseURL      string        `env:"APP_BASE_URL" default:"http://localhost:8000" group:"http" help:"public base URL of the Cloud SPA (links in e-mails)"`
	BodyLimit       int           `env:"HTTP_BODY_LIMIT" default:"1048576" group:"http" help:"largest accepted request body in bytes"`
	UploadLimit     int           `env:"HTTP_UPLOAD_LIMIT" default:"26214400" group:"http" help:"largest request body of the routes that take files or large documents (CSV import 20 MiB, diagram canvases 2 MiB), in bytes; those routes keep their own lower caps"`
	ReadTimeout     time.Duration `env:"HTTP_READ_TIMEOUT" default:"15s" group:"http" help:"time allowed to read a request"`
	WriteTimeout    time.Duration `env:"HTTP_WRITE_TIMEOUT" default:"60s" group:"http" help:"time allowed to write a response"`
	IdleTimeout     time.Duration `env:"HTTP_IDLE_TIMEOUT" default:"120s" group:"http" help:"keep-alive idle timeout"`
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" default:"25s" group:"http" help:"how long in-flight requests may finish after SIGTERM"`

	SecretKey                string   `env:"SECRET_KEY" group:"auth" secret:"true" help:"signs access tokens; at least 32 characters, required in production"`
	AccessTokenExpireMinutes int      `env:"ACCESS_TOKEN_EXPIRE_MINUTES" default:"60" group:"auth" help:"access token lifetime"`
	RefreshTokenExpireDays   int      `env:"REFRESH_TOKEN_EXPIRE_DAYS" default:"7" group:"auth" help:"refresh token lifetime and session idle timeout"`
	MFAIssuer                string   `env:"MFA_ISSUER" default:"MonozuCloud" group:"auth" help:"issuer shown in authenticator apps"`
	AuthPolicy               string   `env:"AUTH_POLICY" default:"standard" group:"auth" help:"standard, or restricted (SSO only) for single-organisation installs"`
	AuthAllowedEmailDomains  []string `env:"AUTH_ALLOWED_EMAIL_DOMAINS" group:"auth" help:"comma-separated e-mail domains allowed when AUTH_POLICY=restricted"`
	AuthRateLimit            int      `env:"AUTH_RATE_LIMIT_PER_MINUTE" default:"20" group:"auth" help:"requests per minute and client IP on each endpoint that checks a credential"`

	CloudAPIURL      string `env:"CLOUD_API_URL" group:"integration" help:"base URL of the Cloud API, where the management plane pushes licences"`
	ManagementAPIURL string `env:"MANAGEMENT_API_URL" group:"integration" help:"base URL of the management plane; self-registrations are reported there"`
	InternalToken    string `env:"CLOUD_INTERNAL_API_TOKEN" group:"integration" secret:"true" help:"machine token between the Cloud and the management plane; at least 32 characters"`
	WebhookSecret    string `env:"CLOUD_WEBHOOK_HMAC_SECRET" group:"integration" secret:"true" help:"shared with the management plane: signs licence pushes; at least 32 characters, required in production"`

	MailDriver   string `env:"MAIL_DRIVER" default:"log" group:"mail" help:"log (development: logged and kept in memory), smtp or resend"`
	MailFrom     string `env:"MAIL_FROM" default:"Monozu <no-reply@monozu.localhost>" group:"mail" help:"sender of every e-mail"`
	SMTPHost     string `env:"SMTP_HOST" group:"mail" help:"SMTP relay host (MAIL_DRIVER=smtp)"`
	SMTPPort     int    `env:"SMTP_PORT" group:"mail" help:"SMTP port; default 587 (starttls), 465 (tls), 25 (none)"`
	SMTPUsername string `env:"SMTP_USERNAME" group:"mail" help:"SMTP user (AUTH PLAIN, only over TLS)"`
	SMTPPassword string `env:"SMTP_PASSWORD" group:"mail" secret:"true" help:"SMTP password"`
	SMTPSecurity string `env:"SMTP_SECURITY" default:"starttls" group:"mail" help:"starttls, tls, or none (loopback relays only)"`
	ResendAPIKey string `env:"RESEND_API_KEY" group:"mail" secret:"true" help:"Resend API key (MAIL_DRIVER=resend)"`

	IngestAddr            string        `env:"INGEST_ADDR" default:":8081" group:"edge" help:"listen address of the ingestor (monozu ingest, serve, dev)"`
	IngestPublicURL       string        `env:"INGEST_PUBLIC_URL" default:"http://localhost:8081" group:"edge" help:"public base URL of the ingestor, handed to devices at registration"`
	IngestDeviceRateLimit int           `env:"INGEST_DEVICE_RATE_LIMIT" default:"600" group:"edge" help:"ingest requests per minute and device; more answer 429 with Retry-After"`
	DeviceRateLimit       int           `env:"DEVICE_RATE_LIMIT_PER_MINUTE" default:"120" group:"edge" help:"device API requests (command polls, acks, release checks) per minute and device key"`
	EdgeCommandLease      time.Duration `env:"EDGE_COMMAND_LEASE" default:"60s" group:"edge" help:"how long a command a device polled is its own; unacknowledged after that, it is delivered again"`
	SnapPublishToken      string        `env:"SNAP_PUBLISH_TOKEN" group:"edge" secret:"true" help:"X-Snap-Publish-Token that may publish agent releases; at least 32 characters; unset disables publishing"`
	SnapSigningKey        string        `env:"SNAP_SIGNING_KEY" group:"edge" secret:"true" help:"Ed25519 release key (base64 of the 32-byte seed) that signs published agent releases"`
	BlobDriver            string        `env:"BLOB_DRIVER" default:"local" group:"edge" help:"where agent releases are stored: local (SNAP_BLOB_LOCAL_ROOT) or azure"`
	SnapBlobLocalRoot     string        `env:"SNAP_BLOB_LOCAL_ROOT" default:".data/snaps" group:"edge" help:"folder of the local blob store (BLOB_DRIVER=local)"`
	AzureStorageConnStr   string        `env:"AZURE_STORAGE_CONNECTION_STRING" group:"edge" secret:"true" help:"Azure Storage connection string (BLOB_DRIVER=azure)"`
	AzureStorageContainer string        `env:"AZURE_STORAGE_CONTAINER" default:"snaps" group:"edge" help:"blob container of agent releases (BLOB_DRIVER=azure)"`

	OTLPEndpoint string `env:"OTEL_EXPORTER_OTLP_ENDPOINT" group:"otel" help:"OTLP/HTTP endpoint for traces; nothing is exported when unset"`
	ServiceName  string `env:"OTEL_SERVICE_NAME" default:"monozu" group:"otel" help:"service name on exported traces and metrics"`
}

// IsProduction reports whether production rules apply.
func (c *Config) IsProduction() bool { return c.Env == EnvProduction }

// IsDevelopment reports whether development conveniences apply.
func (c *Config) IsDevelopment() bool { return c.Env == EnvDevelopment }

// AccessTokenTTL is the access token lifetime.
func (c *Config) AccessTokenTTL() time.Duration {
	return time.Duration(c.AccessTokenExpireMinutes) * time.Minute
}

// RefreshTokenTTL is the refresh token lifetime.
func (c *Config) RefreshTokenTTL() time.Duration {
	return time.Duration(c.RefreshTokenExpireDays) * 24 * time.Hour
}

// ApplyDevelopmentDefaults fills what a developer should not have to set.
// It is called only by `monozu dev` and never in production.
func (c *Config) ApplyDevelopmentDefaults() {
	if c.SecretKey == "" {
		c.SecretKey = devSecretKey
	}
	if c.WebhookSecret == "" {
		c.WebhookSecret = devWebhookSecret
	}
	if c.InternalToken == "" {
		c.InternalToken = devInternalToken
	}
	if c.SnapPublishToken == "" {
		c.SnapPublishToken = devPublishToken
	}
	if c.SnapSigningKey == "" {
		c.SnapSigningKey = devSnapSigningKey
	}
	if len(c.AllowOrigins) == 0 {
		// The Cloud and management SPAs as the binary serves them, and their
		// Vite dev servers.
		c.AllowOrigins = []string{"http://localhost:8000", "http://localhost:8080", "http://localhost:5173", "http://localhost:5174"}
	}
}

// DevDatabasePassword is the password `monozu dev` gives its local roles.
func DevDatabasePassword() string { return devDBPassword }

// Validate checks every field and the production rules, reporting all
// problems at once.
func (c *Config) Validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	switch c.Env {
	case EnvDevelopment, EnvTest, EnvProduction:
	default:
		add("MONOZU_ENV must be development, test or production, not %q", c.Env)
	}
	switch c.LogLevel {
	case "trace", "debug", "info", "warn", "error":
	default:
		add("LOG_LEVEL must be trace, debug, info, warn or error, not %q", c.LogLevel)
	}
	switch c.LogFormat {
	case "", "json", "console":
	default:
		add("LOG_FORMAT must be json or console, not %q", c.LogFormat)
	}
	switch c.AuthPolicy {
	case "standard", "restricted":
	default:
		add("AUTH_POLICY must be standard or restricted, not %q", c.AuthPolicy)
	}
	if c.AuthPolicy == "restricted" && len(c.AuthAllowedEmailDomains) == 0 {
		add("AUTH_POLICY=restricted needs AUTH_ALLOWED_EMAIL_DOMAINS")
	}
	for name, u := range map[string]string{
		"DATABASE_URL": c.DatabaseURL, "DATABASE_ADMIN_URL": c.DatabaseAdminURL,
		"DATABASE_PLATFORM_URL": c.DatabasePlatformURL, "MGMT_DATABASE_URL": c.MgmtDatabaseURL,
		"MGMT_DATABASE_ADMIN_URL": c.MgmtDatabaseAdminURL,
	} {
		if u != "" {
			if err := checkPostgresURL(u); err != nil {
				add("%s: %v", name, err)
			}
		}
	}
	for _, o := range c.AllowOrigins {
		if o == "*" {
			add("ALLOW_ORIGINS cannot be * (credentials are sent); list the origins")
			continue
		}
		if u, err := url.Parse(o); err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			add("ALLOW_ORIGINS entry %q is not an origin like https://app.example.com", o)
		}
	}
	positive := map[string]int{
		"DB_MAX_OPEN_CONNS": c.DBMaxOpenConns, "HTTP_BODY_LIMIT": c.BodyLimit,
		"ACCESS_TOKEN_EXPIRE_MINUTES": c.AccessTokenExpireMinutes, "REFRESH_TOKEN_EXPIRE_DAYS": c.RefreshTokenExpireDays,
		"AUTH_RATE_LIMIT_PER_MINUTE": c.AuthRateLimit, "INGEST_DEVICE_RATE_LIMIT": c.IngestDeviceRateLimit,
		"DEVICE_RATE_LIMIT_PER_MINUTE": c.DeviceRateLimit,
	}
	for name, v := range positive {
		if v <= 0 {
			add("%s must be positive", name)
		}
	}
	if c.DBMaxIdleConns < 0 || c.DBMaxIdleConns > c.DBMaxOpenConns {
		add("DB_MAX_IDLE_CONNS must be between 0 and DB_MAX_OPEN_CONNS")
	}
	durations := map[string]time.Duration{
		"DB_QUERY_TIMEOUT": c.DBQueryTimeout, "HTTP_READ_TIMEOUT": c.ReadTimeout,
		"HTTP_WRITE_TIMEOUT": c.WriteTimeout, "HTTP_IDLE_TIMEOUT": c.IdleTimeout, "SHUTDOWN_TIMEOUT": c.ShutdownTimeout,
		"EDGE_COMMAND_LEASE": c.EdgeCommandLease,
	}
	for name, d := range durations {
		if d <= 0 {
			add("%s must be a positive duration", name)
		}
	}
	switch c.MailDriver {
	case "log":
	case "smtp":
		if c.SMTPHost == "" {
			add("MAIL_DRIVER=smtp needs SMTP_HOST")
		}
	case "resend":
		if c.ResendAPIKey == "" {
			add("MAIL_DRIVER=resend needs RESEND_API_KEY")
		}
	default:
		add("MAIL_DRIVER must be log, smtp or resend, not %q", c.MailDriver)
	}
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		add("MAIL_FROM %q is not an address like Monozu <no-reply@example.com>", c.MailFrom)
	}
	if c.InternalToken != "" && len(c.InternalToken) < 32 {
		add("CLOUD_INTERNAL_API_TOKEN must be at least 32 characters")
	}
	for name, raw := range map[string]string{"MANAGEMENT_API_URL": c.ManagementAPIURL, "CLOUD_API_URL": c.CloudAPIURL} {
		if raw == "" {
			continue
		}
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("%s must be an http(s) URL", name)
		}
	}
	if c.SnapPublishToken != "" && len(c.SnapPublishToken) < 32 {
		add("SNAP_PUBLISH_TOKEN must be at least 32 characters")
	}
	if c.SnapSigningKey != "" {
		if seed, err := base64.StdEncoding.DecodeString(c.SnapSigningKey); err != nil || len(seed) != 32 {
			add("SNAP_SIGNING_KEY must be the base64 of a 32-byte Ed25519 seed")
		}
	}
	switch c.BlobDriver {
	case "local":
		if c.SnapBlobLocalRoot == "" {
			add("BLOB_DRIVER=local needs SNAP_BLOB_LOCAL_ROOT")
		}
	case "azure":
		if c.AzureStorageConnStr == "" || c.AzureStorageContainer == "" {
			add("BLOB_DRIVER=azure needs AZURE_STORAGE_CONNECTION_STRING and AZURE_STORAGE_CONTAINER")
		}
	default:
		add("BLOB_DRIVER must be local or azure, not %q", c.BlobDriver)
	}
	if u, err := url.Parse(c.IngestPublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("INGEST_PUBLIC_URL must be an http(s) URL")
	}
	if c.WebhookSecret != "" && len(c.WebhookSecret) < 32 {
		add("CLOUD_WEBHOOK_HMAC_SECRET must be at least 32 characters")
	}
	if c.SecretKey != "" && len(c.SecretKey) < 32 {
		add("SECRET_KEY must be at least 32 characters")
	}
	if c.IsProduction() {
		problems = append(problems, c.productionProblems()...)
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New("invalid configuration:\n  - " + strings.Join(problems, "\n  - "))
}

func (c *Config) productionProblems() []string {
	var p []string
	if c.SecretKey == "" {
		p = append(p, "SECRET_KEY is required in production")
	}
	if c.SecretKey == devSecretKey {
		p = append(p, "SECRET_KEY is the development default")
	}
	if len(c.AllowOrigins) == 0 {
		p = append(p, "ALLOW_ORIGINS is required in production")
	}
	for _, o := range c.AllowOrigins {
		if strings.Contains(o, "localhost") || strings.Contains(o, "127.0.0.1") {
			p = append(p, fmt.Sprintf("ALLOW_ORIGINS contains the development origin %q", o))
		}
	}
	if c.DatabaseURL == "" {
		p = append(p, "DATABASE_URL is required in production (only dev starts a local cluster)")
	}
	if c.MailDriver == "log" {
		p = append(p, "MAIL_DRIVER=log only logs mail; choose smtp or resend in production")
	}
	if c.WebhookSecret == "" {
		p = append(p, "CLOUD_WEBHOOK_HMAC_SECRET is required in production (licences arrive through it)")
	}
	if c.ManagementAPIURL == "" || c.InternalToken == "" {
		p = append(p, "MANAGEMENT_API_URL and CLOUD_INTERNAL_API_TOKEN are required in production (registrations reach operators through them)")
	}
	if c.InternalToken == devInternalToken {
		p = append(p, "CLOUD_INTERNAL_API_TOKEN is the development default")
	}
	if c.SnapPublishToken == devPublishToken {
		p = append(p, "SNAP_PUBLISH_TOKEN is the development default")
	}
	if c.SnapSigningKey == devSnapSigningKey {
		p = append(p, "SNAP_SIGNING_KEY is the development default")
	}
	if c.WebhookSecret == devWebhookSecret {
		p = append(p, "CLOUD_WEBHOOK_HMAC_SECRET is the development default")
	}
	for name, u := range map[string]string{"DATABASE_URL": c.DatabaseURL, "DATABASE_PLATFORM_URL": c.DatabasePlatformURL} {
		if parsed, err := url.Parse(u); err == nil && u != "" {
			if pw, _ := parsed.User.Password(); pw == devDBPassword {
				p = append(p, name+" uses the development password")
			}
		}
	}
	return p
}

func checkPostgresURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a URL")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return errors.New("must be a postgres:// URL")
	}
	if u.User == nil || u.User.Username() == "" {
		return errors.New("must name a user")
	}
	if strings.TrimPrefix(u.Path, "/") == "" {
		return errors.New("must name a database")
	}
	return nil
}
