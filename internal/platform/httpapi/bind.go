package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strings"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

// MultipartForm reads a multipart/form-data body: 415 for any other media
// type (hint says what to send), 400 malformed_multipart when the form
// cannot be read. The server parses multipart bodies while reading the
// request, before routing, so most broken forms never get here.
func MultipartForm(c fiber.Ctx, hint string) (*multipart.Form, error) {
	mediaType, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mediaType != fiber.MIMEMultipartForm {
		return nil, errs.New(errs.KindUnsupportedMedia, hint)
	}
	form, err := c.MultipartForm()
	if err != nil {
		return nil, errs.Wrap(errs.KindBadRequest, "The multipart/form-data body cannot be read.", err).WithCode("malformed_multipart")
	}
	return form, nil
}

// DecodeJSON reads the request body into dst strictly: JSON media type,
// no unknown fields, no trailing data. Every failure is a client error that
// says what is wrong and where.
func DecodeJSON(c fiber.Ctx, dst any) error {
	mediaType, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || (mediaType != fiber.MIMEApplicationJSON && !strings.HasSuffix(mediaType, "+json")) {
		return errs.New(errs.KindUnsupportedMedia, "Send the body as application/json.")
	}
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return errs.New(errs.KindBadRequest, "The request body is empty.").WithCode("malformed_json")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return errs.New(errs.KindBadRequest, "The body has data after the JSON value.").WithCode("malformed_json")
	}
	return nil
}

func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return errs.New(errs.KindBadRequest, fmt.Sprintf("The body is not valid JSON (at byte %d).", syntax.Offset)).WithCode("malformed_json")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.New(errs.KindBadRequest, "The body is not valid JSON (it ends early).").WithCode("malformed_json")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return errs.New(errs.KindBadRequest, "The body must be a JSON "+typeErr.Type.Kind().String()+".").WithCode("malformed_json")
		}
		return errs.Invalid(errs.Field(field, "invalid_type", "must be "+jsonKind(typeErr.Type.Kind().String())))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errs.Invalid(errs.Field(field, "unknown_field", "is not a field of this request"))
	}
	return errs.Wrap(errs.KindBadRequest, "The body could not be read as JSON.", err).WithCode("malformed_json")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	case "float32", "float64":
		return "a number"
	}
	if strings.HasPrefix(goKind, "int") || strings.HasPrefix(goKind, "uint") {
		return "a whole number"
	}
	return "a " + goKind
}

// PathID reads a UUID path parameter. A malformed id names no row, so it
// answers 404 exactly like an unknown one or another tenant's.
func PathID(c fiber.Ctx, param, resource string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Params(param))
	if err != nil {
		return uuid.Nil, errs.NotFound(resource)
	}
	return id, nil
}
