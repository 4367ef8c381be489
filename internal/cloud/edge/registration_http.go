package edge

import (
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

func (h *Handler) registrationRoutes(s *httpapi.Server) {
	limit := httpapi.RateLimiter(httpapi.RateLimit{Max: h.cfg.CredentialRateLimit, Window: time.Minute})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: devicesPath + "/register", Public: true, Tags: []string{"edge", "device"},
		Summary: "Register a device with a registration key",
		Description: "The key comes in the X-Provisioning-Key header or as registration_key. A wrong account name or key, " +
			"or an expired, used-up or revoked key, all answer 401 invalid_registration. 403 licence_limit when the " +
			"licence's max_devices are registered; 403 tenant_pending / tenant_suspended for an organisation that is not active. " +
			"The device key in the answer is shown only here. Rate limited per client IP.",
		Request: Registration{}, Response: Registered{}, Status: http.StatusCreated,
		Middleware: []fiber.Handler{limit}, Handler: h.register})
}

func (h *Handler) register(c fiber.Ctx) error {
	var r Registration
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	key := strings.Clone(c.Get(ProvisioningKeyHeader))
	if key == "" {
		key = r.RegistrationKey
	}
	out, err := h.svc.Register(c.Context(), key, r)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(out)
}
