package operators

import (
	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

type operatorKey struct{}

// Guard implements httpapi.Guard for the management plane: a Bearer access
// token of the monozu-mgmt audience, a live session and an active operator,
// whose role grants the route's permission. Every request reads the session
// and operator afresh (no cache): operators are few, and a disabled
// operator or ended session stops working at once on every replica.
type Guard struct{ s *Service }

// Guard returns the route guard of this service.
func (s *Service) Guard() Guard { return Guard{s: s} }

// Authenticate verifies the token and session and puts the operator on the
// request (Locals) and its context (WithActor, for the audit log).
func (g Guard) Authenticate() fiber.Handler {
	return func(c fiber.Ctx) error {
		raw, ok := httpapi.BearerToken(c)
		if !ok {
			return errUnauthenticated
		}
		claims, err := g.s.cfg.Signer.Verify(raw)
		if err != nil {
			return errs.New(errs.KindUnauthenticated, "The access token is not valid.").WithCode("invalid_token")
		}
		o, err := g.s.sessionOperator(c.Context(), claims.UserID, claims.SessionID)
		if err != nil {
			return err
		}
		c.SetContext(WithActor(c.Context(), Actor{ID: o.ID, Email: o.Email}))
		c.Locals(operatorKey{}, o)
		return c.Next()
	}
}

// RequirePermission refuses operators whose role does not grant key.
func (g Guard) RequirePermission(key string) fiber.Handler {
	return func(c fiber.Ctx) error {
		o, _ := c.Locals(operatorKey{}).(Operator)
		if !o.Role.Allows(key) {
			return errs.New(errs.KindPermissionDenied, "You do not have the permission "+key+".")
		}
		return c.Next()
	}
}

// RequireFeature exists for the httpapi.Guard interface only: features are
// the Cloud's licensed modules and no management route declares one. A
// route that did would be a programming error, so it fails closed with an
// internal error rather than serving unchecked.
func (g Guard) RequireFeature(feature string) fiber.Handler {
	return func(fiber.Ctx) error {
		return errs.New(errs.KindInternal, "management routes have no licensed features (asked for "+feature+")")
	}
}

// current is the operator the guard let through.
func current(c fiber.Ctx) Operator {
	o, _ := c.Locals(operatorKey{}).(Operator)
	return o
}
