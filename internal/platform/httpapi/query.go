package httpapi

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/errs"
)

// StrictQuery reads the query string strictly: an unknown or repeated
// parameter is an error, because a search that silently ignored a misspelt
// filter would show more than the reader believes it does. The values are
// copies, safe to keep after the handler returns.
func StrictQuery(c fiber.Ctx, allowed []string) (map[string]string, []errs.FieldError) {
	values := map[string]string{}
	var problems []errs.FieldError
	for key, value := range c.RequestCtx().QueryArgs().All() {
		name := string(key)
		_, repeated := values[name]
		switch {
		case !slices.Contains(allowed, name):
			problems = append(problems, errs.Field(clipParam(name, 64), "unknown_parameter", "is not a parameter of this route"))
		case repeated:
			problems = append(problems, errs.Field(name, "repeated", "may be given once"))
		default:
			values[name] = string(value)
		}
	}
	return values, problems
}

// clipParam shortens an echoed parameter name to n bytes of valid UTF-8.
func clipParam(s string, n int) string {
	return strings.ToValidUTF8(s[:min(len(s), n)], "")
}
