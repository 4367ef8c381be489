// Package errs holds the typed errors every layer returns. The HTTP layer maps
// a Kind to a status code in one place (httpapi/problem.go); nothing else
// decides status codes.
package errs

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error for callers and for the HTTP mapping.
type Kind int

// Kinds, each with a default stable machine code.
const (
	KindInternal         Kind = iota // a bug or an outage; details never leave the server
	KindValidation                   // the caller sent something unacceptable
	KindNotFound                     // absent, or another tenant's
	KindConflict                     // unique violation, stale version, state conflict
	KindUnauthenticated              // no or bad credentials
	KindPermissionDenied             // authenticated but not allowed
	KindFeatureDisabled              // the tenant's licence does not include the module
	KindRateLimited                  // too many attempts
	KindPrecondition                 // If-Match and similar
	KindTooLarge                     // body or batch over its limit
	KindUnavailable                  // a dependency is down; retry later
	KindBadRequest                   // malformed syntax: broken JSON, bad cursor
	KindUnsupportedMedia             // a body in a format the route does not take
	KindLocked                       // the account is locked for a while
)

var defaultCodes = map[Kind]string{
	KindInternal:         "internal_error",
	KindValidation:       "validation_failed",
	KindNotFound:         "not_found",
	KindConflict:         "conflict",
	KindUnauthenticated:  "unauthenticated",
	KindPermissionDenied: "permission_denied",
	KindFeatureDisabled:  "feature_disabled",
	KindRateLimited:      "rate_limited",
	KindPrecondition:     "precondition_failed",
	KindTooLarge:         "payload_too_large",
	KindUnavailable:      "unavailable",
	KindBadRequest:       "bad_request",
	KindUnsupportedMedia: "unsupported_media_type",
	KindLocked:           "locked",
}

// FieldError is one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error is the one error type with meaning across layers.
type Error struct {
	Kind    Kind
	Code    string // stable machine code, e.g. "tenant_pending"
	Message string // safe to show to the caller
	Fields  []FieldError
	// RetryAfter, when set, tells the client when to try again.
	RetryAfter time.Duration
	Err        error // cause, logged but never sent
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New builds an error of a kind with its default code.
func New(kind Kind, message string) *Error {
	return &Error{Kind: kind, Code: defaultCodes[kind], Message: message}
}

// Wrap builds an error of a kind that keeps its cause for the log.
func Wrap(kind Kind, message string, cause error) *Error {
	e := New(kind, message)
	e.Err = cause
	return e
}

// WithCode replaces the machine code (e.g. "tenant_pending" for a 403).
func (e *Error) WithCode(code string) *Error {
	e.Code = code
	return e
}

// NotFound is the answer for absent and for other tenants' objects alike.
func NotFound(resource string) *Error {
	return New(KindNotFound, resource+" not found")
}

// Invalid reports invalid fields; message summarises them.
func Invalid(fields ...FieldError) *Error {
	e := New(KindValidation, "The request has invalid fields.")
	e.Fields = fields
	return e
}

// Field is shorthand for one FieldError.
func Field(field, code, message string) FieldError {
	return FieldError{Field: field, Code: code, Message: message}
}

// KindOf returns the Kind of err, or KindInternal for untyped errors.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Is reports whether err carries the given kind.
func Is(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }
