package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Health is the body of /healthz and /readyz.
type Health struct {
	Status string `json:"status" enum:"ok ready"`
}

// RegisterHealth adds /healthz (the process answers) and /readyz (ready
// reports whether dependencies are usable; it should return errs.Error
// values whose messages are safe to show).
func (s *Server) RegisterHealth(ready func(ctx context.Context) error) {
	s.Handle(Route{
		Method: http.MethodGet, Path: "/healthz", Public: true, Tags: []string{"health"},
		Summary: "Liveness: the process is running", Response: Health{},
		Handler: func(c fiber.Ctx) error { return c.JSON(Health{Status: "ok"}) },
	})
	s.Handle(Route{
		Method: http.MethodGet, Path: "/readyz", Public: true, Tags: []string{"health"},
		Summary: "Readiness: the database answers and migrations are current", Response: Health{},
		Handler: func(c fiber.Ctx) error {
			ctx, cancel := context.WithTimeout(c.Context(), 3*time.Second)
			defer cancel()
			if err := ready(ctx); err != nil {
				if errs.KindOf(err) == errs.KindInternal {
					s.log.Error().Err(err).Msg("readiness check failed")
					return errs.New(errs.KindUnavailable, "not ready").WithCode("not_ready")
				}
				return err
			}
			return c.JSON(Health{Status: "ready"})
		},
	})
}
