package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/limiter"

	"github.com/monozu/monozu/internal/platform/errs"
)

// RateLimit describes a sliding-window limit.
type RateLimit struct {
	Max    int
	Window time.Duration
	// Key groups requests; the client IP when nil.
	Key func(c fiber.Ctx) string
}

// RateLimiter returns middleware answering 429 problem+json with
// Retry-After once Max requests per Key arrived within Window. Counters are
// in process memory: each replica limits on its own.
func RateLimiter(rl RateLimit) fiber.Handler {
	key := rl.Key
	if key == nil {
		key = func(c fiber.Ctx) string { return c.IP() }
	}
	return limiter.New(limiter.Config{
		Max:               rl.Max,
		Expiration:        rl.Window,
		KeyGenerator:      key,
		LimiterMiddleware: limiter.SlidingWindow{},
		LimitReached: func(fiber.Ctx) error {
			return errs.New(errs.KindRateLimited, "Too many requests; wait before trying again.")
		},
	})
}
