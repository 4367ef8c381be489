package cmdb

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/monozu/monozu/internal/platform/errs"
)

// checker collects every field error of an input, so the caller hears about
// all of them at once rather than one per attempt.
type checker struct{ fields []errs.FieldError }

func (c *checker) add(field, code, message string) {
	c.fields = append(c.fields, errs.Field(field, code, message))
}

// text trims *v in place and checks its length (in characters).
func (c *checker) text(field string, v *string, maxLen int, required bool) {
	*v = strings.TrimSpace(*v)
	switch {
	case required && *v == "":
		c.add(field, "required", "is required")
	case utf8.RuneCountInString(*v) > maxLen:
		c.add(field, "too_long", "must be at most "+strconv.Itoa(maxLen)+" characters")
	case strings.ContainsRune(*v, 0):
		c.add(field, "invalid", "must not contain NUL characters")
	}
}

// oneOf checks v is one of the allowed values.
func (c *checker) oneOf(field, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		c.add(field, "invalid", "must be one of "+strings.Join(allowed, ", "))
	}
}

// err returns the collected errors as one validation error, or nil.
func (c *checker) err() error {
	if len(c.fields) == 0 {
		return nil
	}
	return errs.Invalid(c.fields...)
}
