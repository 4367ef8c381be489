// Package cloud is the composition root of the Cloud API: it wires the
// bounded contexts under internal/cloud/* onto the shared HTTP platform and
// the job queue.
package cloud

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud/auditlog"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/cloud/diagrams"
	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/cloud/identity"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/cloud/mgmtlink"
	"github.com/monozu/monozu/internal/cloud/releases"
	"github.com/monozu/monozu/internal/cloud/security"
	"github.com/monozu/monozu/internal/cloud/tenancy"
	"github.com/monozu/monozu/internal/ingest"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/blob"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/migrate"
	"github.com/monozu/monozu/internal/platform/events"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/idempotency"
	"github.com/monozu/monozu/internal/platform/jobs"
	"github.com/monozu/monozu/internal/platform/mail"
	"github.com/monozu/monozu/internal/platform/realtime"
	"github.com/monozu/monozu/internal/platform/release"
	"github.com/monozu/monozu/internal/platform/webui"
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
	// PasswordCost is bcrypt's cost; 0 means auth.BcryptCost (12). Only
	// tests lower it.
	PasswordCost int
	// WSTicketTTL is how long a WebSocket ticket stays valid; 0 means
	// identity.DefaultTicketTTL (30 s). Only tests change it.
	WSTicketTTL time.Duration
}

// Deps are what the Cloud API needs from its process.
type Deps struct {
	HTTP httpapi.Config
	Auth AuthConfig
	DB   *database.DB
	// Platform is the audited platform role for cross-tenant jobs
	// (retention); without it those jobs do not run.
	Platform   *database.Platform
	Mailer     mail.Mailer
	AppBaseURL string // where links in e-mails point
	// JobPollInterval is how often idle job workers look for work.
	JobPollInterval time.Duration
	// Clock is the time licences are judged at; nil means the wall clock.
	Clock func() time.Time
	// AuditExportCap bounds one audit export; 0 means auditlog.MaxExportRows.
	AuditExportCap int
	// WebhookSecret verifies the management plane's licence pushes; without
	// it the receiver is not served.
	WebhookSecret []byte
	// ManagementURL and InternalToken reach the management plane
	// (MANAGEMENT_API_URL, CLOUD_INTERNAL_API_TOKEN); without them
	// self-registrations are not reported.
	ManagementURL string
	InternalToken string
	// IngestPublicURL is the ingestor's base URL handed to registering
	// devices (INGEST_PUBLIC_URL).
	IngestPublicURL string
	// DeviceRateLimit bounds device API calls per device and minute
	// (DEVICE_RATE_LIMIT_PER_MINUTE).
	DeviceRateLimit int
	// CommandLease is how long a polled command is the device's before it
	// is delivered again (EDGE_COMMAND_LEASE); zero means edge.CommandLease.
	CommandLease time.Duration
	// ListenURL is the app role's connection URL for the event listener
	// (LISTEN needs a connection of its own); without it the live feeds
	// do not run.
	ListenURL string
	// Realtime shapes the WebSocket hub (pings, queues); its origins are
	// HTTP.AllowOrigins.
	Realtime realtime.Config
	// Releases are the agent releases' settings.
	Releases ReleaseDeps
	Log      zerolog.Logger
}

// ReleaseDeps are where agent releases are kept and who may publish them.
type ReleaseDeps struct {
	// Store holds the binaries; without it no release route is served.
	Store blob.Store
	// PublishToken is SNAP_PUBLISH_TOKEN; without it (or without Signer)
	// publishing is not served.
	PublishToken string
	// Signer is the release key (SNAP_SIGNING_KEY).
	Signer *release.Signer
}

// Services are the contexts the API is built from, for callers (monozu dev,
// tests) that use them directly.
type Services struct {
	Tenancy   *tenancy.Service
	Licensing *licensing.Service
	Identity  *identity.Service
	CMDB      *cmdb.Service
	Diagrams  *diagrams.Service
	Edge      *edge.Service
	Security  *security.Service
	Releases  *releases.Service
}

// API is the Cloud API: HTTP routes and the background jobs they enqueue.
type API struct {
	Server   *httpapi.Server
	Services *Services
	Jobs     *jobs.Queue
	// DeviceKeys and LastSeen are shared with an ingestor in the same
	// process (monozu serve): one key cache, one last-seen writer, which
	// Run runs.
	DeviceKeys *edge.DeviceKeys
	LastSeen   *edge.LastSeen
	// Hub holds the WebSocket connections; Listener feeds it from NOTIFY
	// (nil without Deps.ListenURL).
	Hub      *realtime.Hub
	Listener *events.Listener
	log      zerolog.Logger
}

// NewAPI builds the Cloud API with every route and job registered.
func NewAPI(d Deps) (*API, error) {
	signer, err := auth.NewSigner(d.Auth.SecretKey, Audience, d.Auth.AccessTTL)
	if err != nil {
		return nil, err
	}
	sealer, err := auth.NewSealer(d.Auth.SecretKey, "totp-secrets")
	if err != nil {
		return nil, err
	}
	tickets, err := auth.NewSealer(d.Auth.SecretKey, identity.TicketSealerPurpose)
	if err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	var periodic []*river.PeriodicJob
	if d.Platform != nil {
		retention := auditlog.NewRetention(d.Platform)
		retention.AddWorker(workers)
		cleanup := idempotency.NewCleanup(d.Platform)
		cleanup.AddWorker(workers)
		eventRetention := events.NewRetention(d.Platform)
		eventRetention.AddWorker(workers)
		commandExpiry := edge.NewExpiry(d.Platform)
		commandExpiry.AddWorker(workers)
		tickets := identity.NewTicketCleanup(d.Platform)
		tickets.AddWorker(workers)
		ingestMaintenance := ingest.NewMaintenance(d.Platform, d.Log)
		ingestMaintenance.AddWorkers(workers)
		periodic = append(periodic, retention.Periodic(), cleanup.Periodic(), eventRetention.Periodic(), commandExpiry.Periodic(),
			tickets.Periodic())
		periodic = append(periodic, ingestMaintenance.Periodic()...)
	} else {
		d.Log.Warn().Msg("DATABASE_PLATFORM_URL is not set: audit, event and ingest retention, ingest partition maintenance, " +
			"idempotency-key and WebSocket-ticket cleanup and the expiry of commands of devices that stopped polling do not run")
	}
	queue, err := jobs.New(d.DB, jobs.Options{Workers: workers, Periodic: periodic, MaxWorkers: 10, PollInterval: d.JobPollInterval})
	if err != nil {
		return nil, err
	}
	svc := &Services{Tenancy: tenancy.NewService(d.DB, nil), Licensing: licensing.NewService(d.DB, d.Clock)}
	var reporter identity.RegistrationReporter
	var link *mgmtlink.Link
	if d.ManagementURL != "" && d.InternalToken != "" {
		link = mgmtlink.New(d.DB, queue, d.ManagementURL, d.InternalToken)
		link.AddWorker(workers)
		reporter = link
		if d.Platform != nil {
			resyncer := mgmtlink.NewResyncer(link, svc.Licensing, d.Platform)
			resyncer.AddWorkers(workers)
			queue.AddPeriodic(resyncer.Periodic())
		}
	} else {
		d.Log.Warn().Msg("MANAGEMENT_API_URL or CLOUD_INTERNAL_API_TOKEN is not set: self-registrations are not reported to the management plane")
	}
	svc.Identity = identity.NewService(d.DB, svc.Licensing,
		identity.Config{Passwords: auth.NewPasswords(d.Auth.PasswordCost), Signer: signer, Sealer: sealer, RefreshTTL: d.Auth.RefreshTTL, MFAIssuer: d.Auth.MFAIssuer,
			Tickets: tickets, TicketTTL: d.Auth.WSTicketTTL},
		identity.Mailing{Mailer: d.Mailer, AppBaseURL: d.AppBaseURL, Queue: queue}, reporter)
	svc.Identity.AddWorkers(workers)

	s := httpapi.New(d.HTTP, d.Log)
	s.SetGuard(svc.Identity.Guard())
	s.SetIdempotency(idempotency.Middleware(d.DB))
	s.RegisterHealth(func(ctx context.Context) error {
		if err := d.DB.Ping(ctx); err != nil {
			return err
		}
		return migrate.Current(ctx, d.DB, migrations.Cloud())
	})
	s.RegisterOpenAPI("Monozu Cloud API")
	idHTTP := identity.NewHandler(svc.Identity, svc.Tenancy, svc.Licensing, identity.HTTPConfig{
		SecureCookies: d.Auth.SecureCookies, AllowedOrigins: d.HTTP.AllowOrigins, CredentialRateLimit: d.Auth.CredentialRateLimit,
	})
	idHTTP.Routes(s)
	idHTTP.AdminRoutes(s)
	if d.InternalToken != "" {
		idHTTP.InternalRoutes(s, d.InternalToken)
	}
	if outbox, ok := d.Mailer.(*mail.Outbox); ok {
		idHTTP.DevMailRoutes(s, outbox)
	}
	svc.Tenancy.Routes(s)
	if link != nil {
		link.Routes(s, svc.Licensing)
	}
	if len(d.WebhookSecret) > 0 {
		svc.Licensing.WebhookRoutes(s, d.WebhookSecret, d.Auth.CredentialRateLimit)
	} else {
		d.Log.Warn().Msg("CLOUD_WEBHOOK_HMAC_SECRET is not set: licence pushes from the management plane are not accepted")
	}
	auditlog.NewHandler(d.DB, d.AuditExportCap).Routes(s)
	svc.CMDB = cmdb.NewService(d.DB, svc.Licensing, queue, auditlog.NewService(d.DB))
	svc.CMDB.AddImportWorker(workers)
	// The ingestor (its own process) enqueues discovery; the CMDB is here.
	ingest.NewDiscoveryWorker(d.DB, svc.CMDB, d.Log).AddWorker(workers)
	svc.CMDB.AddAssetPanel(svc.CMDB.DriftPanel())
	cmdb.NewHandler(svc.CMDB).Routes(s)
	svc.Diagrams = diagrams.NewService(d.DB, svc.CMDB)
	diagrams.NewHandler(svc.Diagrams).Routes(s)
	svc.CMDB.AddAssetPanel(svc.Diagrams.AssetPanel())
	deviceKeys := edge.NewDeviceKeys(d.DB)
	lastSeen := edge.NewLastSeen(d.DB, d.Log.With().Str("component", "last_seen").Logger())
	svc.Edge = edge.NewService(d.DB, svc.Licensing, deviceKeys, edge.Config{IngestURL: d.IngestPublicURL, Clock: d.Clock, CommandLease: d.CommandLease})
	edge.NewHandler(svc.Edge, edge.HTTPConfig{
		CredentialRateLimit: d.Auth.CredentialRateLimit, DeviceRateLimit: d.DeviceRateLimit, Seen: lastSeen,
	}).Routes(s)
	deviceAPI := []fiber.Handler{deviceKeys.Middleware(lastSeen),
		httpapi.RateLimiter(httpapi.RateLimit{Max: d.DeviceRateLimit, Window: time.Minute, Key: edge.DeviceRateKey})}
	if d.Releases.Store != nil {
		svc.Releases = releases.NewService(d.DB, d.Releases.Store, d.Releases.Signer, svc.Edge)
		releases.NewHandler(svc.Releases, releases.HTTPConfig{PublishToken: d.Releases.PublishToken,
			CredentialRateLimit: d.Auth.CredentialRateLimit, DeviceAuth: deviceAPI}).Routes(s)
		if d.Releases.PublishToken == "" || d.Releases.Signer == nil {
			d.Log.Warn().Msg("SNAP_PUBLISH_TOKEN or SNAP_SIGNING_KEY is not set: agent releases cannot be published")
		}
	}
	svc.Security = security.NewService(d.DB)
	security.NewHandler(svc.Security).Routes(s)
	hubCfg := d.Realtime
	hubCfg.AllowOrigins = d.HTTP.AllowOrigins
	hub := realtime.NewHub(hubCfg, d.Log.With().Str("component", "realtime").Logger())
	var listener *events.Listener
	if d.ListenURL != "" {
		listener = events.NewListener(d.ListenURL, d.DB, d.Log.With().Str("component", "events").Logger())
	} else {
		d.Log.Warn().Msg("no connection URL for the event listener: the live security feed does not run")
	}
	if listener != nil {
		wsAuth := []fiber.Handler{hub.RequireOrigin(),
			httpapi.RateLimiter(httpapi.RateLimit{Max: d.Auth.CredentialRateLimit, Window: time.Minute}),
			svc.Identity.Guard().AuthenticateWebSocket()}
		security.NewFeed(hub, listener, d.Log).Routes(s, wsAuth)
	}
	// Last: the Cloud SPA answers the GET paths no route matched.
	if !webui.Built("cloud") {
		d.Log.Warn().Msg("the Cloud web UI was not built into this binary (make build with npm installed): / answers a placeholder page")
	}
	s.ServeApp(webui.Cloud())
	return &API{Server: s, Services: svc, Jobs: queue, DeviceKeys: deviceKeys, LastSeen: lastSeen, Hub: hub, Listener: listener, log: d.Log}, nil
}

// Run serves HTTP on addr, works jobs and writes device last-seen times
// until ctx ends, then drains all three.
func (a *API) Run(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return a.RunListener(ctx, ln)
}

// RunListener is Run on an existing listener.
func (a *API) RunListener(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	seen := make(chan error, 1)
	go func() { seen <- a.LastSeen.Run(ctx) }()
	err := a.Jobs.RunBeside(ctx, func(ctx context.Context) error {
		return a.RunRealtime(ctx, func(ctx context.Context) error { return a.Server.ServeListener(ctx, ln) })
	})
	cancel()
	return errors.Join(err, <-seen)
}

// RunRealtime runs the event listener beside serve until ctx ends, then
// closes every WebSocket (close frame "going away") and stops the
// listener; hijacked connections are not the HTTP server's to drain.
func (a *API) RunRealtime(ctx context.Context, serve func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	listened := make(chan error, 1)
	if a.Listener != nil {
		go func() { listened <- a.Listener.Run(ctx) }()
	} else {
		listened <- nil
	}
	err := serve(ctx)
	cancel()
	a.Hub.Close()
	a.log.Info().Msg("realtime: WebSocket connections closed")
	if lerr := <-listened; err == nil {
		err = lerr
	}
	return err
}
