// Package httpapi is the HTTP platform every Monozu service shares: the Fiber
// app with its middleware, problem+json errors, JSON binding, keyset pages,
// the route registry that also produces the OpenAPI document, health
// endpoints and graceful shutdown.
package httpapi

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/rs/zerolog"
)

// Config shapes one service's HTTP server.
type Config struct {
	Service string // "api", "ingest", "mgmt": names spans and the OpenAPI title
	Version string
	// BodyLimit caps request bodies; routes that declare a BodyLimit of
	// their own may take up to UploadLimit.
	BodyLimit       int
	UploadLimit     int
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration
	ShutdownTimeout time.Duration
	AllowOrigins    []string
	HSTS            bool // production behind TLS
}

// Server is a Fiber app plus the registry of its documented routes.
type Server struct {
	app         *fiber.App
	cfg         Config
	log         zerolog.Logger
	routes      []Route
	guard       Guard
	idempotency fiber.Handler
	appServed   bool // ServeApp was called
}

// New builds the app with the shared middleware chain, outermost first:
// request id, observation (span, metrics, access log, error rendering),
// panic recovery, security headers, CORS.
func New(cfg Config, log zerolog.Logger) *Server {
	app := fiber.New(fiber.Config{
		AppName: "monozu-" + cfg.Service,
		// The server reads bodies up to the largest any route allows; each
		// route then holds its own (Route.BodyLimit, else BodyLimit).
		BodyLimit:    max(cfg.BodyLimit, cfg.UploadLimit),
		ReadTimeout:  cfg.ReadTimeout,
		WriteTimeout: cfg.WriteTimeout,
		IdleTimeout:  cfg.IdleTimeout,
		ErrorHandler: errorHandler(log),
		// Only the API's own JSON is trusted, never request-controlled hosts.
		TrustProxy: false,
	})
	app.Use(requestID(), observe(cfg.Service, log), recoverPanics(log), securityHeaders(cfg.HSTS))
	if len(cfg.AllowOrigins) > 0 {
		app.Use(corsFor(cfg.AllowOrigins))
	}
	return &Server{app: app, cfg: cfg, log: log}
}

// App exposes the Fiber app for tests (app.Test) and for mounting static files.
func (s *Server) App() *fiber.App { return s.app }

// Serve listens on addr until ctx is cancelled, then stops accepting,
// lets in-flight requests finish within ShutdownTimeout, and returns.
func (s *Server) Serve(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.ServeListener(ctx, ln)
}

// ServeListener is Serve on an existing listener (tests use port 0).
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() {
		errc <- s.app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true})
	}()
	s.log.Info().Str("service", s.cfg.Service).Str("addr", ln.Addr().String()).Msg("listening")
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info().Str("service", s.cfg.Service).Dur("deadline", s.cfg.ShutdownTimeout).Msg("shutting down: draining in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.app.ShutdownWithContext(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return <-errc
}
