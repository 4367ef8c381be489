package operators

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

// authPath scopes the refresh cookie to the sign-in endpoints.
const authPath = "/api/v1/auth"

// HTTPConfig shapes the browser-facing parts.
type HTTPConfig = httpapi.BrowserAuth

// Handler serves the operators' routes.
type Handler struct {
	svc     *Service
	cfg     HTTPConfig
	cookies httpapi.SessionCookies
}

// NewHandler wires the HTTP side.
func NewHandler(svc *Service, cfg HTTPConfig) *Handler {
	return &Handler{svc: svc, cfg: cfg, cookies: cfg.Cookies(authPath, svc.cfg.RefreshTTL)}
}

// LoginRequest is an e-mail and password.
type LoginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// LoginResponse opens the mandatory TOTP step.
type LoginResponse struct {
	MFARequired  bool   `json:"mfa_required"`
	SessionToken string `json:"session_token" doc:"single use, valid for 5 minutes, for /auth/mfa/verify"`
}

// VerifyRequest completes a sign-in.
type VerifyRequest struct {
	SessionToken string `json:"session_token"`
	TOTPCode     string `json:"totp_code"`
}

// TokenResponse carries an access token; the refresh token is a cookie.
type TokenResponse struct {
	AccessToken string   `json:"access_token"`
	TokenType   string   `json:"token_type" enum:"Bearer"`
	ExpiresIn   int      `json:"expires_in"`
	Operator    Operator `json:"operator"`
}

// Routes registers the sign-in, /me and operator administration endpoints.
func (h *Handler) Routes(s *httpapi.Server) {
	limit := []fiber.Handler{httpapi.RateLimiter(httpapi.RateLimit{Max: h.cfg.CredentialRateLimit, Window: time.Minute})}
	authTags := []string{"auth"}
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: authPath + "/login", Public: true, Tags: authTags,
		Summary: "Check an operator's e-mail and password; the TOTP step always follows", Middleware: limit,
		Request: LoginRequest{}, Response: LoginResponse{}, Handler: h.login})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: authPath + "/mfa/verify", Public: true, Tags: authTags,
		Summary: "Complete the sign-in with a TOTP code", Middleware: limit,
		Request: VerifyRequest{}, Response: TokenResponse{}, Handler: h.verify})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: authPath + "/refresh", Public: true, Tags: authTags,
		Summary: "Rotate the refresh cookie and get a new access token (needs X-CSRF-Token)", Middleware: limit,
		Response: TokenResponse{}, Handler: h.refresh})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: authPath + "/logout", Public: true, Tags: authTags,
		Summary: "End the session of the refresh cookie (needs X-CSRF-Token)", Middleware: limit,
		Status: http.StatusNoContent, Handler: h.logout})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/me", Permission: httpapi.Authenticated, Tags: []string{"me"},
		Summary: "The signed-in operator", Response: Operator{}, Handler: h.me})

	ops := []string{"operators"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/operators", Permission: PermRead, Tags: ops,
		Summary: "List operators by e-mail address", Query: httpapi.PageQuery{}, Response: httpapi.Page[Operator]{}, Handler: h.list})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/operators", Permission: PermWrite, Tags: ops,
		Summary: "Create an operator", Description: "The answer carries the TOTP secret and otpauth URL once; they cannot be read again.",
		Request: NewOperator{}, Response: Enrollment{}, Status: http.StatusCreated, Handler: h.create})
	s.Handle(httpapi.Route{Method: http.MethodPatch, Path: "/api/v1/operators/:id", Permission: PermWrite, Tags: ops,
		Summary: "Change an operator's name, role or status",
		Description: "Disabling ends the operator's sessions. Nobody disables or demotes themselves (409 own_account); " +
			"the last active admin stays one (409 last_admin).",
		Request: Update{}, Response: Operator{}, Handler: h.update})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/audit", Permission: PermRead, Tags: []string{"audit"},
		Summary: "The operator audit log, newest first", Query: httpapi.PageQuery{}, Response: httpapi.Page[AuditEntry]{}, Handler: h.audit})
}

func (h *Handler) login(c fiber.Ctx) error {
	var r LoginRequest
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	token, err := h.svc.Login(c.Context(), r.Email, r.Password)
	if err != nil {
		return err
	}
	return c.JSON(LoginResponse{MFARequired: true, SessionToken: token})
}

func (h *Handler) verify(c fiber.Ctx) error {
	var r VerifyRequest
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	tokens, err := h.svc.VerifyMFA(c.Context(), r.SessionToken, r.TOTPCode)
	if err != nil {
		return err
	}
	return h.sendTokens(c, tokens)
}

func (h *Handler) refresh(c fiber.Ctx) error {
	tokens, err := httpapi.RotateSession(h.cookies, c, h.svc.Refresh)
	if err != nil {
		return err
	}
	return h.sendTokens(c, tokens)
}

func (h *Handler) logout(c fiber.Ctx) error { return h.cookies.EndSession(c, h.svc.Logout) }

func (h *Handler) me(c fiber.Ctx) error { return c.JSON(current(c)) }

func (h *Handler) list(c fiber.Ctx) error {
	p, err := httpapi.ParsePage(c)
	if err != nil {
		return err
	}
	page, err := h.svc.List(c.Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (h *Handler) create(c fiber.Ctx) error {
	var n NewOperator
	if err := httpapi.DecodeJSON(c, &n); err != nil {
		return err
	}
	e, err := h.svc.Create(c.Context(), n)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(http.StatusCreated).JSON(e)
}

func (h *Handler) update(c fiber.Ctx) error {
	var u Update
	if err := httpapi.DecodeJSON(c, &u); err != nil {
		return err
	}
	id, err := httpapi.PathID(c, "id", "operator")
	if err != nil {
		return err
	}
	o, err := h.svc.Update(c.Context(), id, u)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

func (h *Handler) audit(c fiber.Ctx) error {
	p, err := httpapi.ParsePage(c)
	if err != nil {
		return err
	}
	page, err := h.svc.Audit(c.Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (h *Handler) sendTokens(c fiber.Ctx, t *Tokens) error {
	h.cookies.Set(c, t.RefreshToken)
	return c.JSON(TokenResponse{AccessToken: t.AccessToken, TokenType: "Bearer", ExpiresIn: t.ExpiresIn, Operator: t.Operator})
}
