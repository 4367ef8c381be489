package errs

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Checker collects every field error of an input, so the caller hears
// about all of them at once rather than one per attempt. Contexts embed it
// and add checks of their own.
type Checker struct{ Fields []FieldError }

// Add records one field error.
func (c *Checker) Add(field, code, message string) {
	c.Fields = append(c.Fields, Field(field, code, message))
}

// Text trims *v in place and checks it: present when required, at most
// maxLen characters, valid text without NUL characters.
func (c *Checker) Text(field string, v *string, maxLen int, required bool) {
	*v = strings.TrimSpace(*v)
	switch {
	case required && *v == "":
		c.Add(field, "required", "is required")
	case utf8.RuneCountInString(*v) > maxLen:
		c.Add(field, "too_long", "must be at most "+strconv.Itoa(maxLen)+" characters")
	case strings.ContainsRune(*v, 0) || !utf8.ValidString(*v):
		c.Add(field, "invalid", "must be valid text without NUL characters")
	}
}

// OneOf checks v is one of the allowed values.
func (c *Checker) OneOf(field, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		c.Add(field, "invalid", "must be one of "+strings.Join(allowed, ", "))
	}
}

// Time parses raw, a time filter of a query, as RFC 3339: nil when raw is
// empty, nil with a field error when it does not parse.
func (c *Checker) Time(field, raw string) *time.Time {
	if raw == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		c.Add(field, "invalid", "must be an RFC 3339 time such as 2025-01-31T00:00:00Z (encode + as %2B)")
		return nil
	}
	return &t
}

// Err returns the collected errors as one validation error, or nil.
func (c *Checker) Err() error {
	if len(c.Fields) == 0 {
		return nil
	}
	return Invalid(c.Fields...)
}
