package licensing

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/webhook"
)

// PushResponse answers a delivery.
type PushResponse struct {
	Outcome PushOutcome `json:"outcome" enum:"applied already_applied stale"`
}

// WebhookRoutes registers the receiver of the management plane's licence
// pushes. It is public to the router and authenticated by the HMAC
// signature over timestamp and raw body (CLOUD_WEBHOOK_HMAC_SECRET).
func (s *Service) WebhookRoutes(srv *httpapi.Server, secret []byte, rateLimit int) {
	srv.Handle(httpapi.Route{Method: http.MethodPost, Path: "/internal/license/refresh", Public: true, Tags: []string{"internal"},
		Summary: "Apply a licence pushed by the management plane (HMAC-signed, idempotent per event_id)",
		Description: "Headers X-Hmac-Timestamp (Unix seconds, at most 5 minutes off) and X-Hmac-Signature " +
			"(sha256=<hex HMAC-SHA256 of timestamp, a dot and the raw body>). A bad or stale signature answers 401.",
		Middleware: []fiber.Handler{httpapi.RateLimiter(httpapi.RateLimit{Max: rateLimit, Window: time.Minute})},
		Request:    Push{}, Response: PushResponse{},
		Handler: func(c fiber.Ctx) error {
			body := c.Body()
			if err := webhook.Verify(secret, c.Get(webhook.HeaderTimestamp), c.Get(webhook.HeaderSignature), body, s.now()); err != nil {
				return errs.New(errs.KindUnauthenticated, "The delivery's signature is missing, wrong or too old.").WithCode("invalid_signature")
			}
			var p Push
			if err := httpapi.DecodeJSON(c, &p); err != nil {
				return err
			}
			outcome, err := s.ApplyPush(c.Context(), p)
			if err != nil {
				return err
			}
			return c.JSON(PushResponse{Outcome: outcome})
		}})
}
