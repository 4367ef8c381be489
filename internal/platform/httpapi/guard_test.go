package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// headerGuard stands in for the identity context's guard: "Bearer
// <tenant>:<user>:<perm,perm>" authenticates, and the listed permissions
// and the feature "security" are granted.
type headerGuard struct{}

type grantsKey struct{}

type grants struct{ perms []string }

func (headerGuard) Authenticate() fiber.Handler {
	return func(c fiber.Ctx) error {
		parts := strings.SplitN(strings.TrimPrefix(c.Get("Authorization"), "Bearer "), ":", 3)
		if len(parts) != 3 {
			return errs.New(errs.KindUnauthenticated, "missing credentials")
		}
		c.SetContext(auth.WithPrincipal(c.Context(), auth.Principal{
			Kind: auth.KindUser, TenantID: uuid.MustParse(parts[0]), ActorID: uuid.MustParse(parts[1]),
		}))
		c.Locals(grantsKey{}, grants{perms: strings.Split(parts[2], ",")})
		return c.Next()
	}
}

func (headerGuard) RequirePermission(key string) fiber.Handler {
	return func(c fiber.Ctx) error {
		g, _ := c.Locals(grantsKey{}).(grants)
		for _, p := range g.perms {
			if p == key {
				return c.Next()
			}
		}
		return errs.New(errs.KindPermissionDenied, "missing permission "+key)
	}
}

func (headerGuard) RequireFeature(feature string) fiber.Handler {
	return func(c fiber.Ctx) error {
		if feature != "security" {
			return errs.New(errs.KindFeatureDisabled, "module not licensed")
		}
		return c.Next()
	}
}

func TestProtectedRoutesGoThroughTheGuard(t *testing.T) {
	s, logs := newTestServer(t)
	s.SetGuard(headerGuard{})
	ok := func(c fiber.Ctx) error { return c.SendStatus(http.StatusNoContent) }
	s.Handle(httpapi.Route{Method: "GET", Path: "/assets", Summary: "List assets", Permission: "assets.read", Handler: ok, Status: 204})
	s.Handle(httpapi.Route{Method: "GET", Path: "/alerts", Summary: "List alerts", Permission: "security.read", Feature: "security", Handler: ok, Status: 204})
	s.Handle(httpapi.Route{Method: "GET", Path: "/tunnels", Summary: "List tunnels", Permission: "vpn.read", Feature: "vpn", Handler: ok, Status: 204})

	tenant, user := uuid.New(), uuid.New()
	as := func(perms string) map[string]string {
		return map[string]string{"Authorization": "Bearer " + tenant.String() + ":" + user.String() + ":" + perms}
	}
	apitest.Run(t, s.App(), "allowed", []apitest.Case{
		{Name: "permission held", Method: "GET", Path: "/assets", Headers: as("assets.read"), Status: 204},
		{Name: "feature licensed", Method: "GET", Path: "/alerts", Headers: as("security.read"), Status: 204},
	})
	apitest.Run(t, s.App(), "refused", []apitest.Case{
		{Name: "no credentials", Method: "GET", Path: "/assets", Status: 401, Code: "unauthenticated"},
		{Name: "missing permission", Method: "GET", Path: "/assets", Headers: as("sites.read"), Status: 403, Code: "permission_denied"},
		{Name: "feature before permission", Method: "GET", Path: "/tunnels", Headers: as("assets.read"), Status: 403, Code: "feature_disabled"},
	})

	var logged bool
	for _, l := range logs.Lines(t) {
		if l["path"] == "/assets" && l["tenant_id"] == tenant.String() && l["user_id"] == user.String() {
			logged = true
		}
	}
	if !logged {
		t.Fatal("the access log lacks tenant_id and user_id of an authenticated request")
	}

	doc := s.OpenAPI("test")
	op := doc["paths"].(map[string]map[string]any)["/alerts"]["get"].(map[string]any)
	if op["x-permission"] != "security.read" || op["x-feature"] != "security" {
		t.Fatalf("the document lacks the route's permission and feature: %v", op)
	}
	if missing := httpapi.Undocumented(s); len(missing) > 0 {
		t.Fatalf("undocumented: %v", missing)
	}
}

// A route's own authentication replaces the guard's; the guard's feature
// and permission checks still follow it.
func TestARouteMayAuthenticateOnItsOwn(t *testing.T) {
	s, _ := newTestServer(t)
	s.SetGuard(headerGuard{})
	fromQuery := func(c fiber.Ctx) error {
		c.Request().Header.Set("Authorization", "Bearer "+c.Query("credentials"))
		return headerGuard{}.Authenticate()(c)
	}
	s.Handle(httpapi.Route{Method: "GET", Path: "/feed", Summary: "A feed", Permission: "security.read", Feature: "security",
		Authenticate: []fiber.Handler{fromQuery}, Handler: func(c fiber.Ctx) error { return c.SendStatus(http.StatusNoContent) }, Status: 204})
	who := uuid.NewString() + ":" + uuid.NewString() + ":"
	apitest.Run(t, s.App(), "own authentication", []apitest.Case{
		{Name: "credentials in the query", Method: "GET", Path: "/feed?credentials=" + who + "security.read", Status: 204},
		{Name: "the permission is still checked", Method: "GET", Path: "/feed?credentials=" + who + "assets.read", Status: 403, Code: "permission_denied"},
		{Name: "none", Method: "GET", Path: "/feed", Status: 401},
	})
	defer func() {
		if recover() == nil {
			t.Fatal("a public route with its own authentication was accepted")
		}
	}()
	s.Handle(httpapi.Route{Method: "GET", Path: "/open", Summary: "Open", Public: true,
		Authenticate: []fiber.Handler{fromQuery}, Handler: func(c fiber.Ctx) error { return nil }})
}
