package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Page sizes.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 200
)

// PageQuery documents the paging parameters of every list route.
type PageQuery struct {
	Limit  int    `query:"limit" doc:"items per page, 1-200 (default 50)"`
	Cursor string `query:"cursor" doc:"next_cursor of the previous page"`
}

// PageRequest is a parsed limit and cursor.
type PageRequest struct {
	Limit  int
	cursor []json.RawMessage
}

// Page is the body of every list route.
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// ParsePage reads ?limit= and ?cursor=. A limit above the cap is lowered to
// it; a malformed limit or cursor is a 400.
func ParsePage(c fiber.Ctx) (PageRequest, error) {
	p := PageRequest{Limit: DefaultPageLimit}
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return p, errs.Invalid(errs.Field("limit", "invalid", "must be a whole number from 1 to 200"))
		}
		p.Limit = min(n, MaxPageLimit)
	}
	if raw := c.Query("cursor"); raw != "" {
		decoded, err := base64.RawURLEncoding.DecodeString(raw)
		if err != nil || json.Unmarshal(decoded, &p.cursor) != nil || len(p.cursor) == 0 {
			return p, invalidCursor()
		}
	}
	return p, nil
}

// HasCursor reports whether the request continues an earlier page.
func (p PageRequest) HasCursor() bool { return len(p.cursor) > 0 }

// After decodes the cursor into the sort-key values of the last item seen,
// in the order EncodeCursor was given them.
func (p PageRequest) After(dst ...any) error {
	if len(dst) != len(p.cursor) {
		return invalidCursor()
	}
	for i, d := range dst {
		if json.Unmarshal(p.cursor[i], d) != nil {
			return invalidCursor()
		}
	}
	return nil
}

// NewPage builds a page from up to limit+1 rows fetched in sort order: the
// extra row only tells that another page exists. key returns the sort-key
// values of an item for the next cursor.
func NewPage[T any](rows []T, limit int, key func(T) []any) Page[T] {
	if rows == nil {
		rows = []T{}
	}
	if len(rows) <= limit {
		return Page[T]{Items: rows}
	}
	rows = rows[:limit]
	cursor := EncodeCursor(key(rows[limit-1])...)
	return Page[T]{Items: rows, NextCursor: &cursor}
}

// EncodeCursor makes an opaque cursor from sort-key values.
func EncodeCursor(values ...any) string {
	raw, _ := json.Marshal(values)
	return base64.RawURLEncoding.EncodeToString(raw)
}

func invalidCursor() error {
	return errs.New(errs.KindBadRequest, "The cursor is not valid; start again from the first page.").WithCode("invalid_cursor")
}

// KeysetList answers a list route that pages by a sort key. The list's own
// query problems and a malformed limit or cursor are one 400; a cursor is
// decoded into a fresh key through fields (pointers to the key's parts, in
// sort order), which fetch gets as after (nil on the first page) to read up
// to limit+1 rows; rowKey gives a row's key values for the next cursor.
func KeysetList[K, T any](c fiber.Ctx, problems []errs.FieldError, fields func(*K) []any,
	fetch func(after *K, limit int) ([]T, error), rowKey func(T) []any) error {
	page, err := ParsePage(c)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	var after *K
	if page.HasCursor() {
		after = new(K)
		if err := page.After(fields(after)...); err != nil {
			return err
		}
	}
	rows, err := fetch(after, page.Limit)
	if err != nil {
		return err
	}
	return c.JSON(NewPage(rows, page.Limit, rowKey))
}
