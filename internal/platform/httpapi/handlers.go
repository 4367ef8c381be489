package httpapi

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"
)

// The adapters below turn a service method into the handler of a route
// that does nothing else: read the record's id from the path parameter
// "id" (PathID: a malformed id answers 404 like an unknown one), read the
// body strictly (DecodeJSON), call the service, answer. Errors pass through
// as they are, so the problem renderer maps them. A handler that does more
// (queries, headers, optional bodies, permission checks) is written out.

// ByID answers 200 with what fn returns for the resource the path names:
// GET /things/:id, or an action such as POST /things/:id/accept.
func ByID[R any](resource string, fn func(ctx context.Context, id uuid.UUID) (R, error)) fiber.Handler {
	return func(c fiber.Ctx) error {
		id, err := PathID(c, "id", resource)
		if err != nil {
			return err
		}
		out, err := fn(c.Context(), id)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

// ByIDWithBody answers 200 with what fn returns for the resource the path
// names and the JSON body: PATCH /things/:id. The id is checked first, so
// a malformed id answers 404 whatever the body.
func ByIDWithBody[B, R any](resource string, fn func(ctx context.Context, id uuid.UUID, body B) (R, error)) fiber.Handler {
	return func(c fiber.Ctx) error {
		id, err := PathID(c, "id", resource)
		if err != nil {
			return err
		}
		var body B
		if err := DecodeJSON(c, &body); err != nil {
			return err
		}
		out, err := fn(c.Context(), id, body)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

// Create answers 201 with what fn returns for the JSON body: POST /things.
func Create[B, R any](fn func(ctx context.Context, body B) (R, error)) fiber.Handler {
	return func(c fiber.Ctx) error {
		var body B
		if err := DecodeJSON(c, &body); err != nil {
			return err
		}
		out, err := fn(c.Context(), body)
		if err != nil {
			return err
		}
		return c.Status(http.StatusCreated).JSON(out)
	}
}

// NoContentByID answers 204 once fn succeeds for the resource the path
// names: DELETE /things/:id, or an action with nothing to answer.
func NoContentByID(resource string, fn func(ctx context.Context, id uuid.UUID) error) fiber.Handler {
	return func(c fiber.Ctx) error {
		id, err := PathID(c, "id", resource)
		if err != nil {
			return err
		}
		if err := fn(c.Context(), id); err != nil {
			return err
		}
		return c.SendStatus(http.StatusNoContent)
	}
}
