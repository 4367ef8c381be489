package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Problem is an RFC 9457 problem details body with Monozu's stable code.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Instance  string            `json:"instance,omitempty"`
	Code      string            `json:"code"`
	RequestID string            `json:"request_id,omitempty"`
	Errors    []errs.FieldError `json:"errors,omitempty"`
}

// ProblemContentType is the media type of every error body.
const ProblemContentType = "application/problem+json"

// statusOf is the one place an error kind becomes an HTTP status.
var statusOf = map[errs.Kind]int{
	errs.KindInternal:         http.StatusInternalServerError,
	errs.KindValidation:       http.StatusUnprocessableEntity,
	errs.KindNotFound:         http.StatusNotFound,
	errs.KindConflict:         http.StatusConflict,
	errs.KindUnauthenticated:  http.StatusUnauthorized,
	errs.KindPermissionDenied: http.StatusForbidden,
	errs.KindFeatureDisabled:  http.StatusForbidden,
	errs.KindRateLimited:      http.StatusTooManyRequests,
	errs.KindPrecondition:     http.StatusPreconditionFailed,
	errs.KindTooLarge:         http.StatusRequestEntityTooLarge,
	errs.KindUnavailable:      http.StatusServiceUnavailable,
	errs.KindBadRequest:       http.StatusBadRequest,
	errs.KindUnsupportedMedia: http.StatusUnsupportedMediaType,
	errs.KindLocked:           http.StatusLocked,
}

// codeOfStatus names the errors Fiber itself raises (unknown route, wrong
// method, body over the limit, ...).
func codeOfStatus(status int) string {
	switch status {
	case http.StatusNotFound:
		return "not_found"
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusRequestEntityTooLarge:
		return "payload_too_large"
	case http.StatusRequestTimeout:
		return "request_timeout"
	case http.StatusRequestHeaderFieldsTooLarge:
		return "headers_too_large"
	case http.StatusTooManyRequests:
		return "rate_limited"
	case http.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	}
	if status >= 500 {
		return "internal_error"
	}
	return "bad_request"
}

// problemFor converts any error into the problem sent to the client.
// Internal details never leave: only errs.Error messages are shown.
func problemFor(err error) Problem {
	var typed *errs.Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &typed):
		status := statusOf[typed.Kind]
		p := Problem{Status: status, Code: typed.Code, Detail: typed.Message, Errors: typed.Fields}
		if status >= 500 && typed.Kind == errs.KindInternal {
			p.Detail = "An unexpected error occurred. Quote the request id when reporting it."
		}
		return p
	case errors.As(err, &fe) && fe.Code < 500:
		return Problem{Status: fe.Code, Code: codeOfStatus(fe.Code), Detail: fe.Message}
	}
	return Problem{
		Status: http.StatusInternalServerError, Code: "internal_error",
		Detail: "An unexpected error occurred. Quote the request id when reporting it.",
	}
}

// errorHandler writes every error as problem+json and logs server faults.
func errorHandler(log zerolog.Logger) fiber.ErrorHandler {
	return func(c fiber.Ctx, err error) error {
		p := problemFor(err)
		var typed *errs.Error
		if errors.As(err, &typed) && typed.RetryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(typed.RetryAfter.Seconds()+0.999)))
		}
		p.Type = "urn:monozu:problem:" + p.Code
		p.Title = http.StatusText(p.Status)
		p.Instance = c.Path()
		p.RequestID = RequestID(c)
		if p.Status >= 500 {
			log.Error().Err(err).Str("request_id", p.RequestID).Str("path", c.Path()).Msg("request failed")
		}
		if p.Status == http.StatusTooManyRequests || p.Status == http.StatusServiceUnavailable || p.Status == http.StatusLocked {
			if c.GetRespHeader(fiber.HeaderRetryAfter) == "" {
				c.Set(fiber.HeaderRetryAfter, "1")
			}
		}
		c.Status(p.Status)
		return c.JSON(p, ProblemContentType)
	}
}

// IsProblem reports whether a response content type is problem+json.
func IsProblem(contentType string) bool {
	return strings.HasPrefix(contentType, ProblemContentType)
}
