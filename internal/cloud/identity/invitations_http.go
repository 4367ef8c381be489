package identity

import (
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

// AcceptInvitationRequest completes an invitation.
type AcceptInvitationRequest struct {
	Token       string `json:"token"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
}

// ForgotPasswordRequest asks for a reset link.
type ForgotPasswordRequest struct {
	Email string `json:"email"`
}

// ResetPasswordRequest sets a new password with a reset token.
type ResetPasswordRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// Accepted is the answer that does not reveal whether an address exists.
type Accepted struct {
	Status string `json:"status"`
}

// InvitationList is every pending invitation.
type InvitationList struct {
	Items []Invitation `json:"items"`
}

func (h *Handler) invitationRoutes(s *httpapi.Server, limit fiber.Handler) {
	auth := []string{"auth"}
	users := []string{"users"}
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: authPath + "/invitations/accept", Public: true, Tags: auth,
		Summary: "Accept an invitation: set the password and sign in", Middleware: []fiber.Handler{limit},
		Request: AcceptInvitationRequest{}, Response: TokenResponse{}, Handler: h.acceptInvitation})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: authPath + "/password/forgot", Public: true, Tags: auth,
		Summary: "Mail a password-reset link (same answer whether or not the address exists)", Middleware: []fiber.Handler{limit},
		Request: ForgotPasswordRequest{}, Response: Accepted{}, Status: http.StatusAccepted, Handler: h.forgotPassword})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: authPath + "/password/reset", Public: true, Tags: auth,
		Summary: "Set a new password with a reset token; ends every session", Middleware: []fiber.Handler{limit},
		Request: ResetPasswordRequest{}, Status: http.StatusNoContent, Handler: h.resetPassword})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/settings/users/invitations", Permission: "settings.users.read", Tags: users,
		Summary: "Pending invitations", Response: InvitationList{}, Handler: h.listInvitations})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/settings/users/invitations", Permission: "settings.users.manage", Tags: users, Idempotent: true,
		Summary: "Invite a user by e-mail into groups (Read only when none)", Request: NewInvitation{}, Response: Invitation{},
		Status: http.StatusCreated, Handler: h.invite})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/settings/users/invitations/:id/resend", Permission: "settings.users.manage",
		Tags: users, Summary: "Send a pending invitation again with a fresh link", Status: http.StatusNoContent, Handler: h.resendInvitation})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: "/api/v1/settings/users/invitations/:id", Permission: "settings.users.manage",
		Tags: users, Summary: "Revoke a pending invitation", Status: http.StatusNoContent, Handler: h.revokeInvitation})
}

func (h *Handler) acceptInvitation(c fiber.Ctx) error {
	var r AcceptInvitationRequest
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	tokens, err := h.svc.AcceptInvitation(c.Context(), r.Token, r.Password, r.DisplayName)
	if err != nil {
		return err
	}
	return h.sendTokens(c, tokens)
}

func (h *Handler) forgotPassword(c fiber.Ctx) error {
	var r ForgotPasswordRequest
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	if err := h.svc.ForgotPassword(c.Context(), r.Email); err != nil {
		return err
	}
	return c.Status(http.StatusAccepted).JSON(Accepted{Status: "If the address belongs to an account, a reset link is on its way."})
}

func (h *Handler) resetPassword(c fiber.Ctx) error {
	var r ResetPasswordRequest
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	if err := h.svc.ResetPassword(c.Context(), r.Token, r.Password); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

func (h *Handler) listInvitations(c fiber.Ctx) error {
	items, err := h.svc.Invitations(c.Context())
	if err != nil {
		return err
	}
	return c.JSON(InvitationList{Items: items})
}

func (h *Handler) invite(c fiber.Ctx) error {
	var r NewInvitation
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	inv, err := h.svc.Invite(c.Context(), r)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(inv)
}

func (h *Handler) resendInvitation(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "invitation")
	if err != nil {
		return err
	}
	if err := h.svc.ResendInvitation(c.Context(), id); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

func (h *Handler) revokeInvitation(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "invitation")
	if err != nil {
		return err
	}
	if err := h.svc.RevokeInvitation(c.Context(), id); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}
