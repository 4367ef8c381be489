package identity

import (
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

func (h *Handler) wsTicketRoutes(s *httpapi.Server) {
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/ws/ticket", Permission: httpapi.Authenticated, Tags: []string{"realtime"},
		Summary: "A single-use ticket for a WebSocket connection",
		Description: "Browsers cannot send an Authorization header when they open a WebSocket: they pass this ticket " +
			"as ?ticket= instead. It is valid for 30 seconds and one connection (on any replica); the connection " +
			"lasts until the access token used here expires.",
		Response: WSTicket{}, Handler: h.issueWSTicket})
}

func (h *Handler) issueWSTicket(c fiber.Ctx) error {
	t, err := h.svc.IssueWSTicket(c.Context(), currentSession(c), httpapi.CredentialsExpiry(c))
	if err != nil {
		return err
	}
	return c.JSON(t)
}
