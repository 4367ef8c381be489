package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/monozu/monozu/internal/platform/errs"

	"github.com/gofiber/fiber/v3"
)

// Route is one documented endpoint. Registering through Handle is the only
// way a route gets into the OpenAPI document, and the coverage test fails for
// any route registered around it.
type Route struct {
	Method      string // GET, POST, ...
	Path        string // Fiber syntax: /api/v1/sites/:id
	Summary     string
	Description string
	Tags        []string

	// Exactly one of Public or Permission: a public route needs no
	// credentials; any other names the permission key it requires, or
	// Authenticated for routes every signed-in user may call (/me).
	Public     bool
	Permission string
	Feature    string // optional module the tenant's licence must include

	Query    any // struct with `query` tags documenting the query parameters
	Request  any // zero value of the JSON body type; nil when there is none
	Response any // zero value of the success body type; nil for no body
	Status   int // success status; 200 when zero

	// Produces overrides the success media type (e.g. text/plain).
	Produces string
	// Consumes overrides the request body's media type (application/json).
	// For multipart/form-data, Request's json fields document the form
	// fields, a []byte field being a file.
	Consumes string

	// Idempotent: a POST create that honours the Idempotency-Key header
	// (DESIGN.md §4); needs SetIdempotency and a protected route.
	Idempotent bool

	// BodyLimit raises this route's body cap above the server's BodyLimit
	// (up to its UploadLimit): file uploads and large documents.
	BodyLimit int

	// Authenticate, on a protected route, replaces the guard's Bearer
	// authentication with these handlers, in order; the last one puts the
	// principal on the context as the guard's does. WebSocket upgrades use
	// it: browsers cannot send headers there, so credentials come in the
	// query. The route's feature and permission checks still follow.
	Authenticate []fiber.Handler

	// Middleware runs after authorisation and before Handler (rate limits).
	Middleware []fiber.Handler
	Handler    fiber.Handler
}

// Authenticated is the Permission of routes open to every signed-in user.
const Authenticated = "authenticated"

// Guard enforces authentication, permissions and features on routes. The
// identity context provides it; a server without one refuses protected routes.
type Guard interface {
	Authenticate() fiber.Handler
	RequirePermission(key string) fiber.Handler
	RequireFeature(feature string) fiber.Handler
}

// SetGuard installs the authorisation middleware for protected routes.
func (s *Server) SetGuard(g Guard) { s.guard = g }

// SetIdempotency installs the middleware of Idempotent routes.
func (s *Server) SetIdempotency(h fiber.Handler) { s.idempotency = h }

// Handle registers and documents a route. Mistakes in a route declaration
// are programming errors found at start-up, so they panic.
func (s *Server) Handle(r Route) {
	if err := r.validate(); err != nil {
		panic(fmt.Sprintf("route %s %s: %v", r.Method, r.Path, err))
	}
	s.checkNotShadowed(r)
	var handlers []any
	if limit := s.bodyLimitOf(r); limit < max(s.cfg.BodyLimit, s.cfg.UploadLimit) {
		handlers = append(handlers, limitBody(limit))
	}
	if !r.Public {
		if s.guard == nil {
			panic(fmt.Sprintf("route %s %s needs permission %q but the server has no guard", r.Method, r.Path, r.Permission))
		}
		if len(r.Authenticate) > 0 {
			for _, h := range r.Authenticate {
				handlers = append(handlers, h)
			}
		} else {
			handlers = append(handlers, s.guard.Authenticate())
		}
		if r.Feature != "" {
			handlers = append(handlers, s.guard.RequireFeature(r.Feature))
		}
		if r.Permission != Authenticated {
			handlers = append(handlers, s.guard.RequirePermission(r.Permission))
		}
	}
	if r.Idempotent {
		if s.idempotency == nil {
			panic(fmt.Sprintf("route %s %s is idempotent but the server has no idempotency middleware", r.Method, r.Path))
		}
		handlers = append(handlers, s.idempotency)
	}
	for _, m := range r.Middleware {
		handlers = append(handlers, m)
	}
	handlers = append(handlers, r.Handler)
	s.app.Add([]string{r.Method}, r.Path, handlers[0], handlers[1:]...)
	s.routes = append(s.routes, r)
}

func (r Route) validate() error {
	switch r.Method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return fmt.Errorf("unsupported method")
	}
	switch {
	case !strings.HasPrefix(r.Path, "/"):
		return fmt.Errorf("path must start with /")
	case strings.TrimSpace(r.Summary) == "":
		return fmt.Errorf("a summary is required")
	case r.Handler == nil:
		return fmt.Errorf("a handler is required")
	case r.Public == (r.Permission != ""):
		return fmt.Errorf("declare exactly one of Public or Permission")
	case r.Public && (r.Feature != "" || len(r.Authenticate) > 0):
		return fmt.Errorf("a public route cannot require a feature or authenticate")
	case r.Idempotent && (r.Public || r.Method != http.MethodPost):
		return fmt.Errorf("only protected POST routes can be idempotent")
	}
	return nil
}

// Routes returns the documented routes in registration order.
func (s *Server) Routes() []Route { return s.routes }

// Undocumented lists the routes Fiber knows that are missing from the
// registry (and so from the OpenAPI document). HEAD twins of GET routes,
// which Fiber adds on its own, are not counted, nor are middlewares
// (app.Use), among them the web app's fallback (ServeApp): it answers only
// paths no route matched, outside the API's paths.
func Undocumented(s *Server) []string {
	documented := map[string]bool{}
	for _, r := range s.routes {
		documented[r.Method+" "+r.Path] = true
	}
	var missing []string
	for _, fr := range s.app.GetRoutes(true) {
		key := fr.Method + " " + fr.Path
		if fr.Method == http.MethodHead && documented[http.MethodGet+" "+fr.Path] {
			continue
		}
		if !documented[key] {
			missing = append(missing, key)
		}
	}
	return missing
}

type grantsCheckKey struct{}

// SetGrantCheck is called by the guard's Authenticate with a function telling
// whether the caller holds a permission, for handlers whose fields need more
// than the route's permission (Allowed).
func SetGrantCheck(c fiber.Ctx, allows func(key string) bool) { c.Locals(grantsCheckKey{}, allows) }

// Allowed reports whether the authenticated caller holds key.
func Allowed(c fiber.Ctx, key string) bool { return GrantCheck(c)(key) }

// GrantCheck is the authenticated caller's permission check, to keep
// beyond the request (a WebSocket connection filters its messages by it);
// without an authenticated caller it allows nothing.
func GrantCheck(c fiber.Ctx) func(key string) bool {
	if allows, ok := c.Locals(grantsCheckKey{}).(func(string) bool); ok {
		return allows
	}
	return func(string) bool { return false }
}

type credentialsExpiryKey struct{}

// SetCredentialsExpiry is called by authentication with the time the
// caller's credentials end (an access token's expiry).
func SetCredentialsExpiry(c fiber.Ctx, at time.Time) { c.Locals(credentialsExpiryKey{}, at) }

// CredentialsExpiry is when the caller's credentials end (zero when
// unknown): long-lived connections close then.
func CredentialsExpiry(c fiber.Ctx) time.Time {
	at, _ := c.Locals(credentialsExpiryKey{}).(time.Time)
	return at
}

// bodyLimitOf is the body cap of a route: its own, up to the upload
// limit, or the server's.
func (s *Server) bodyLimitOf(r Route) int {
	if r.BodyLimit > 0 {
		return min(r.BodyLimit, max(s.cfg.BodyLimit, s.cfg.UploadLimit))
	}
	return s.cfg.BodyLimit
}

// limitBody refuses a body over limit bytes before anything reads it. The
// raw length counts, not a decompressed one.
func limitBody(limit int) fiber.Handler {
	return func(c fiber.Ctx) error {
		if len(c.Request().Body()) > limit {
			return errs.New(errs.KindTooLarge, fmt.Sprintf("The request body is larger than %d bytes.", limit))
		}
		return c.Next()
	}
}
