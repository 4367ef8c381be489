package httpapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v3"
)

// apiPrefixes are the paths that belong to the API side of every server
// (REST, WebSockets under /api/ws, the edge API, service-to-service
// endpoints, health, metrics): a web app never answers them, so an unknown
// path there stays the API's problem+json 404.
var apiPrefixes = []string{"/api", "/v1", "/internal", "/healthz", "/readyz", "/metrics"}

// IsAPIPath reports whether p is one of the API's paths (apiPrefixes, the
// prefix itself or anything below it). Routing is case-insensitive, so is
// this.
func IsAPIPath(p string) bool {
	p = strings.ToLower(p)
	for _, prefix := range apiPrefixes {
		if p == prefix || strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	return false
}

// ServeApp installs h, a single-page app (internal/platform/webui), as the
// last handler of the server: it answers the GET and HEAD requests that no
// route matched, outside the API's paths (IsAPIPath). Every other request
// goes on to Fiber's own end of the chain (404, or 405 when another method
// matches), rendered as problem+json.
//
// It is a Fiber middleware (app.Use), not a route: it is not an API endpoint,
// so it stays out of the OpenAPI document, and Undocumented, which lists
// routes only, does not count it. Fiber tries handlers in registration order,
// so a GET route registered after ServeApp outside the API's paths would be
// shadowed by the app; Handle panics on such a route.
func (s *Server) ServeApp(h fiber.Handler) {
	if s.appServed {
		panic("ServeApp called twice")
	}
	s.appServed = true
	s.app.Use(func(c fiber.Ctx) error {
		if m := c.Method(); (m != http.MethodGet && m != http.MethodHead) || IsAPIPath(c.Path()) {
			return c.Next()
		}
		return h(c)
	})
}

// checkNotShadowed is Handle's guard against routes the web app would hide.
func (s *Server) checkNotShadowed(r Route) {
	if s.appServed && r.Method == http.MethodGet && !IsAPIPath(r.Path) {
		panic(fmt.Sprintf("route %s %s is registered after ServeApp outside the API's paths: the web app would answer it", r.Method, r.Path))
	}
}
