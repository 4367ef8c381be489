package identity

import (
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

// MFAVerifyRequest is the second sign-in step.
type MFAVerifyRequest struct {
	SessionToken string `json:"session_token"`
	TOTPCode     string `json:"totp_code,omitempty"`
	RecoveryCode string `json:"recovery_code,omitempty"`
}

// MFAConfirmRequest carries the first code from the authenticator app.
type MFAConfirmRequest struct {
	Code string `json:"code"`
}

// PasswordRequest re-authenticates a sensitive change.
type PasswordRequest struct {
	Password string `json:"password"`
}

// RecoveryCodesResponse shows recovery codes once.
type RecoveryCodesResponse struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

func (h *Handler) mfaRoutes(s *httpapi.Server, limit fiber.Handler) {
	me := []string{"me"}
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: authPath + "/mfa/verify", Public: true, Tags: []string{"auth"},
		Summary: "Complete a sign-in with a TOTP code or a recovery code", Middleware: []fiber.Handler{limit},
		Request: MFAVerifyRequest{}, Response: TokenResponse{}, Handler: h.verifyMFA})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/me/mfa/setup", Permission: httpapi.Authenticated, Tags: me,
		Summary: "Start TOTP enrolment: a secret and its otpauth:// URL", Response: MFASetup{}, Handler: h.setupMFA})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/me/mfa/confirm", Permission: httpapi.Authenticated, Tags: me,
		Summary: "Confirm enrolment with a code; returns ten recovery codes, shown once", Middleware: []fiber.Handler{limit},
		Request: MFAConfirmRequest{}, Response: RecoveryCodesResponse{}, Handler: h.confirmMFA})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/me/mfa/disable", Permission: httpapi.Authenticated, Tags: me,
		Summary: "Switch two-factor sign-in off (needs the password)", Middleware: []fiber.Handler{limit},
		Request: PasswordRequest{}, Status: http.StatusNoContent, Handler: h.disableMFA})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/me/mfa/recovery-codes", Permission: httpapi.Authenticated, Tags: me,
		Summary: "Replace the recovery codes (needs the password)", Middleware: []fiber.Handler{limit},
		Request: PasswordRequest{}, Response: RecoveryCodesResponse{}, Handler: h.regenerateCodes})
}

func (h *Handler) verifyMFA(c fiber.Ctx) error {
	var r MFAVerifyRequest
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	tokens, err := h.svc.VerifyMFA(c.Context(), r.SessionToken, r.TOTPCode, r.RecoveryCode)
	if err != nil {
		return err
	}
	return h.sendTokens(c, tokens)
}

func (h *Handler) setupMFA(c fiber.Ctx) error {
	out, err := h.svc.SetupMFA(c.Context())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (h *Handler) confirmMFA(c fiber.Ctx) error {
	var r MFAConfirmRequest
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	codes, err := h.svc.ConfirmMFA(c.Context(), r.Code)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(RecoveryCodesResponse{RecoveryCodes: codes})
}

func (h *Handler) disableMFA(c fiber.Ctx) error {
	var r PasswordRequest
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	if err := h.svc.DisableMFA(c.Context(), r.Password); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

func (h *Handler) regenerateCodes(c fiber.Ctx) error {
	var r PasswordRequest
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	codes, err := h.svc.RegenerateRecoveryCodes(c.Context(), r.Password)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(RecoveryCodesResponse{RecoveryCodes: codes})
}
