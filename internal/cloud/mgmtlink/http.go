package mgmtlink

import (
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// RefreshResponse tells what the pull found.
type RefreshResponse struct {
	Outcome licensing.PushOutcome `json:"outcome" enum:"applied already_applied stale"`
}

// Routes lets a tenant's administrator pull the licence from the
// management plane on demand (after a change that has not arrived yet).
func (l *Link) Routes(s *httpapi.Server, licences *licensing.Service) {
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/settings/licence/refresh", Permission: "settings.tenant.manage",
		Tags: []string{"settings"}, Summary: "Fetch this organisation's licence from the management plane now",
		Response: RefreshResponse{},
		Handler: func(c fiber.Ctx) error {
			p, _ := auth.PrincipalFrom(c.Context())
			outcome, err := l.Resync(c.Context(), licences, p.TenantID)
			if err != nil {
				return err
			}
			return c.JSON(RefreshResponse{Outcome: outcome})
		}})
}
