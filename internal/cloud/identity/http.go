package identity

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/cloud/tenancy"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// authPath is where the cookie-authenticated endpoints live.
const authPath = "/api/v1/auth"

// HTTPConfig shapes the browser-facing parts.
type HTTPConfig = httpapi.BrowserAuth

// Handler serves identity's routes.
type Handler struct {
	svc      *Service
	tenants  *tenancy.Service
	licences *licensing.Service
	cfg      HTTPConfig
	cookies  httpapi.SessionCookies
}

// NewHandler wires the HTTP side.
func NewHandler(svc *Service, tenants *tenancy.Service, licences *licensing.Service, cfg HTTPConfig) *Handler {
	return &Handler{svc: svc, tenants: tenants, licences: licences, cfg: cfg, cookies: cfg.Cookies(authPath, svc.cfg.RefreshTTL)}
}

// RegisterResponse is the answer to a sign-up.
type RegisterResponse struct {
	TenantID uuid.UUID      `json:"tenant_id"`
	Status   tenancy.Status `json:"status"`
}

// LoginRequest is an e-mail and password.
type LoginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// TokenResponse carries an access token, or the MFA step.
type TokenResponse struct {
	AccessToken  string `json:"access_token,omitempty"`
	TokenType    string `json:"token_type,omitempty"`
	ExpiresIn    int    `json:"expires_in,omitempty"`
	User         *User  `json:"user,omitempty"`
	MFARequired  bool   `json:"mfa_required,omitempty"`
	SessionToken string `json:"session_token,omitempty"`
	// MFAEnrollmentRequired: signed in, but the tenant requires MFA set-up
	// before anything but /me works.
	MFAEnrollmentRequired bool `json:"mfa_enrollment_required,omitempty"`
}

// MeResponse is who is signed in and what they may use.
type MeResponse struct {
	User        User            `json:"user"`
	Tenant      tenancy.Tenant  `json:"tenant"`
	Permissions []string        `json:"permissions"`
	Features    map[string]bool `json:"features"`
	// MFAEnrollmentRequired: the SPA sends the user to MFA set-up first.
	MFAEnrollmentRequired bool `json:"mfa_enrollment_required"`
	// LicenceExpiring: the licence has expired and its grace period runs;
	// optional modules still work and the SPA shows a banner.
	LicenceExpiring bool `json:"licence_expiring"`
}

// Routes registers identity's endpoints on s.
func (h *Handler) Routes(s *httpapi.Server) {
	limit := httpapi.RateLimiter(httpapi.RateLimit{Max: h.cfg.CredentialRateLimit, Window: time.Minute})
	tags := []string{"auth"}
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: authPath + "/register", Public: true, Tags: tags,
		Summary: "Register an organisation (pending until a licence is applied)", Middleware: []fiber.Handler{limit},
		Request: Registration{}, Response: RegisterResponse{}, Status: http.StatusCreated, Handler: h.register})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: authPath + "/login", Public: true, Tags: tags,
		Summary: "Sign in with e-mail and password", Middleware: []fiber.Handler{limit},
		Request: LoginRequest{}, Response: TokenResponse{}, Handler: h.login})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: authPath + "/refresh", Public: true, Tags: tags,
		Summary: "Rotate the refresh cookie and get a new access token (needs X-CSRF-Token)", Middleware: []fiber.Handler{limit},
		Response: TokenResponse{}, Handler: h.refresh})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: authPath + "/logout", Public: true, Tags: tags,
		Summary: "End the session of the refresh cookie (needs X-CSRF-Token)", Status: http.StatusNoContent, Handler: h.logout})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/me", Permission: httpapi.Authenticated, Tags: []string{"me"},
		Summary: "The signed-in user, tenant, permissions and features", Response: MeResponse{}, Handler: h.me})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/me/features", Permission: httpapi.Authenticated, Tags: []string{"me"},
		Summary: "Optional modules of the tenant's licence", Response: map[string]bool{}, Handler: h.features})
	h.mfaRoutes(s, limit)
	h.invitationRoutes(s, limit)
	h.meRoutes(s, limit)
	h.wsTicketRoutes(s)
}

func (h *Handler) register(c fiber.Ctx) error {
	var r Registration
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	t, _, err := h.svc.Register(c.Context(), r)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(RegisterResponse{TenantID: t.ID, Status: t.Status})
}

func (h *Handler) login(c fiber.Ctx) error {
	var r LoginRequest
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	res, err := h.svc.Login(c.Context(), r.Email, r.Password)
	if err != nil {
		return err
	}
	if res.MFARequired {
		return c.JSON(TokenResponse{MFARequired: true, SessionToken: res.SessionToken})
	}
	return h.sendTokens(c, res.Tokens)
}

func (h *Handler) refresh(c fiber.Ctx) error {
	tokens, err := httpapi.RotateSession(h.cookies, c, h.svc.Refresh)
	if err != nil {
		return err
	}
	return h.sendTokens(c, tokens)
}

func (h *Handler) logout(c fiber.Ctx) error { return h.cookies.EndSession(c, h.svc.Logout) }

func (h *Handler) me(c fiber.Ctx) error {
	ctx := c.Context()
	p, _ := auth.PrincipalFrom(ctx)
	u, err := h.svc.User(ctx, p.ActorID)
	if err != nil {
		return err
	}
	t, err := h.tenants.Current(ctx)
	if err != nil {
		return err
	}
	features, err := h.featureMap(c)
	if err != nil {
		return err
	}
	state, err := h.licences.State(ctx)
	if err != nil {
		return err
	}
	a, _ := c.Locals(accessKey{}).(access)
	return c.JSON(MeResponse{User: u, Tenant: t, Permissions: rbac.Expand(a.grants), Features: features,
		MFAEnrollmentRequired: a.mustEnroll, LicenceExpiring: state == licensing.StateGrace})
}

func (h *Handler) features(c fiber.Ctx) error {
	features, err := h.featureMap(c)
	if err != nil {
		return err
	}
	return c.JSON(features)
}

func (h *Handler) featureMap(c fiber.Ctx) (map[string]bool, error) {
	enabled, err := h.licences.Enabled(c.Context())
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for f, on := range enabled {
		out[string(f)] = on
	}
	return out, nil
}

func (h *Handler) sendTokens(c fiber.Ctx, t *Tokens) error {
	h.cookies.Set(c, t.RefreshToken)
	u := t.User
	return c.JSON(TokenResponse{AccessToken: t.AccessToken, TokenType: "Bearer", ExpiresIn: t.ExpiresIn, User: &u,
		MFAEnrollmentRequired: t.MFAEnrollmentRequired})
}
