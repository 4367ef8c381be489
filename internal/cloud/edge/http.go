package edge

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

// HTTPConfig are the limits of the fleet's public and device routes.
type HTTPConfig struct {
	// CredentialRateLimit bounds registrations per client IP and minute.
	CredentialRateLimit int
	// DeviceRateLimit bounds device API calls per device and minute.
	DeviceRateLimit int
	// Seen records device calls for last-seen (the poll is the heartbeat).
	Seen *LastSeen
}

// Handler serves the fleet's routes.
type Handler struct {
	svc *Service
	cfg HTTPConfig
}

// NewHandler wires the routes to svc.
func NewHandler(svc *Service, cfg HTTPConfig) *Handler { return &Handler{svc: svc, cfg: cfg} }

// Routes registers every fleet endpoint on s.
func (h *Handler) Routes(s *httpapi.Server) {
	h.keyRoutes(s)
	h.registrationRoutes(s) // before deviceRoutes: /devices/register ahead of /devices/:id
	h.deviceRoutes(s)
	h.telemetryRoutes(s)
	h.commandRoutes(s)
}

// deviceAPI is the middleware of the routes devices call: their key
// (recording the call for last-seen), then their own rate.
func (h *Handler) deviceAPI() []fiber.Handler {
	return []fiber.Handler{
		h.svc.keys.Middleware(h.cfg.Seen),
		httpapi.RateLimiter(httpapi.RateLimit{Max: h.cfg.DeviceRateLimit, Window: time.Minute, Key: DeviceRateKey}),
	}
}
