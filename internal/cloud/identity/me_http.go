package identity

import (
	"net/http"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

type sessionKey struct{}

// currentSession is the session of the access token on this request.
func currentSession(c fiber.Ctx) uuid.UUID {
	id, _ := c.Locals(sessionKey{}).(uuid.UUID)
	return id
}

// SessionList is the signed-in user's live sessions.
type SessionList struct {
	Items []Session `json:"items"`
}

// CheckMethodRequest asks how an address signs in.
type CheckMethodRequest struct {
	Email string `json:"email"`
}

// CheckMethodResponse is "password" or "sso".
type CheckMethodResponse struct {
	Method string `json:"method" enum:"password sso"`
}

func (h *Handler) meRoutes(s *httpapi.Server, limit fiber.Handler) {
	me := []string{"me"}
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: authPath + "/check-method", Public: true, Tags: []string{"auth"},
		Summary: "How an e-mail address signs in (same answer shape for unknown addresses)", Middleware: []fiber.Handler{limit},
		Request: CheckMethodRequest{}, Response: CheckMethodResponse{}, Handler: h.checkMethod})
	s.Handle(httpapi.Route{Method: http.MethodPatch, Path: "/api/v1/me", Permission: httpapi.Authenticated, Tags: me,
		Summary:     "Change your own profile; e-mail and password changes need current_password",
		Description: "A new password ends every other session.", Middleware: []fiber.Handler{limit},
		Request: ProfilePatch{}, Response: User{}, Handler: h.updateProfile})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/me/sessions", Permission: httpapi.Authenticated, Tags: me,
		Summary: "Your signed-in devices", Response: SessionList{}, Handler: h.mySessions})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: "/api/v1/me/sessions/:id", Permission: httpapi.Authenticated, Tags: me,
		Summary: "Sign one of your devices out", Status: http.StatusNoContent, Handler: h.endMySession})
}

func (h *Handler) checkMethod(c fiber.Ctx) error {
	var r CheckMethodRequest
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	method, err := h.svc.SignInMethod(c.Context(), r.Email)
	if err != nil {
		return err
	}
	return c.JSON(CheckMethodResponse{Method: method})
}

func (h *Handler) updateProfile(c fiber.Ctx) error {
	var p ProfilePatch
	if err := httpapi.DecodeJSON(c, &p); err != nil {
		return err
	}
	u, err := h.svc.UpdateProfile(c.Context(), currentSession(c), p)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (h *Handler) mySessions(c fiber.Ctx) error {
	items, err := h.svc.MySessions(c.Context(), currentSession(c))
	if err != nil {
		return err
	}
	return c.JSON(SessionList{Items: items})
}

func (h *Handler) endMySession(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "session")
	if err != nil {
		return err
	}
	if err := h.svc.EndMySession(c.Context(), id); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}
