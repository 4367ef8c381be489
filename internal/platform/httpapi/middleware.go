package httpapi

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/cors"
	"github.com/gofiber/fiber/v3/middleware/helmet"
	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/platform/errs"
)

// HeaderRequestID carries the request id in both directions.
const HeaderRequestID = "X-Request-Id"

type requestIDKey struct{}

// A caller-supplied id is kept only when it is short and plain, so it is safe
// to log and to echo back.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,128}$`)

// requestID accepts a valid incoming X-Request-Id or generates one.
func requestID() fiber.Handler {
	return func(c fiber.Ctx) error {
		id := c.Get(HeaderRequestID)
		if !validRequestID.MatchString(id) {
			id = uuid.NewString()
		} else {
			id = strings.Clone(id) // request memory is reused after the handler
		}
		c.Locals(requestIDKey{}, id)
		c.Set(HeaderRequestID, id)
		return c.Next()
	}
}

// RequestID returns the id of the current request.
func RequestID(c fiber.Ctx) string {
	id, _ := c.Locals(requestIDKey{}).(string)
	return id
}

// recoverPanics turns a panic into an internal error (a problem+json 500
// without internals) and logs the stack.
func recoverPanics(log zerolog.Logger) fiber.Handler {
	return func(c fiber.Ctx) (err error) {
		defer func() {
			if r := recover(); r != nil {
				log.Error().Str("request_id", RequestID(c)).Str("panic", fmt.Sprint(r)).
					Bytes("stack", debug.Stack()).Msg("handler panicked")
				err = errs.New(errs.KindInternal, "panic")
			}
		}()
		return c.Next()
	}
}

// securityHeaders sets the usual hardening headers for an API that also
// serves a single-page app. The CSP lets the app load its own module scripts
// and stylesheets (Vite and Tailwind emit files under /assets/); scripts
// never run inline. Fonts may be data: URIs, which Vite inlines when small.
func securityHeaders(hsts bool) fiber.Handler {
	cfg := helmet.Config{
		XFrameOptions:             "DENY",
		ReferrerPolicy:            "strict-origin-when-cross-origin",
		CrossOriginEmbedderPolicy: "unsafe-none",
		CrossOriginResourcePolicy: "same-origin",
		ContentSecurityPolicy:     "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; object-src 'none'; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
		PermissionPolicy:          "camera=(), microphone=(), geolocation=()",
	}
	if hsts {
		cfg.HSTSMaxAge = 63072000
	}
	return helmet.New(cfg)
}

// corsFor allows exactly the configured origins, with credentials (the
// refresh cookie) and the headers the SPA sends.
func corsFor(origins []string) fiber.Handler {
	return cors.New(cors.Config{
		AllowOrigins:     origins,
		AllowCredentials: true,
		AllowMethods:     []string{fiber.MethodGet, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete, fiber.MethodHead},
		AllowHeaders:     []string{"Authorization", "Content-Type", "X-CSRF-Token", "If-Match", "Idempotency-Key", HeaderRequestID, "traceparent"},
		ExposeHeaders:    []string{HeaderRequestID, "ETag", "Retry-After", "Location"},
		MaxAge:           600,
	})
}
