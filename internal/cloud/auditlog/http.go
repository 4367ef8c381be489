package auditlog

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// readPermission guards both routes.
const readPermission = "settings.audit.read"

const basePath = "/api/v1/settings/audit"

// Handler serves the audit log routes.
type Handler struct {
	svc *Service
}

// NewHandler wires the context on the app pool.
func NewHandler(db *database.DB, exportCap int) *Handler {
	svc := NewService(db)
	if exportCap > 0 {
		svc.exportCap = exportCap
	}
	return &Handler{svc: svc}
}

// Routes registers the audit log endpoints on s.
func (h *Handler) Routes(s *httpapi.Server) {
	tags := []string{"settings"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: basePath, Permission: readPermission, Tags: tags,
		Summary:     "Audit log entries, newest first",
		Description: "Keyset pages ordered by time then id, newest first. Filters combine with AND.",
		Query:       ListQuery{}, Response: httpapi.Page[Entry]{}, Handler: h.list})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: basePath + "/export", Permission: readPermission, Tags: tags,
		Summary: "Download every matching audit log entry (CSV or JSON)",
		Description: "Streams the entries matching the filters, newest first, as an attachment: CSV with a " +
			"header row (cells a spreadsheet would run as a formula start with a single quote), or with " +
			"format=json a JSON array of the entries the list returns. At most " + strconv.Itoa(MaxExportRows) +
			" entries; a larger export is refused with export_too_large. The export is recorded as audit.export. " +
			"A download that ends without a complete body failed part-way and must not be used.",
		Query: ExportQuery{}, Response: "", Produces: "text/csv", Handler: h.export})
}

func (h *Handler) list(c fiber.Ctx) error {
	values, problems := httpapi.StrictQuery(c, listParams)
	f, invalid := parseFilter(values)
	problems = append(problems, invalid...)
	page, err := httpapi.ParsePage(c)
	if err != nil {
		fields, ok := validationFields(err)
		if !ok {
			return err
		}
		problems = append(problems, fields...)
	}
	if len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	var after *Position
	if page.HasCursor() {
		after = &Position{}
		if err := page.After(&after.At, &after.ID); err != nil {
			return err
		}
	}
	entries, err := h.svc.List(c.Context(), f, after, page.Limit)
	if err != nil {
		return err
	}
	return c.JSON(httpapi.NewPage(entries, page.Limit, func(e Entry) []any { return []any{e.At, e.ID} }))
}

// validationFields returns the field errors of a validation error, so they
// can be reported together with the route's own.
func validationFields(err error) ([]errs.FieldError, bool) {
	var typed *errs.Error
	if errors.As(err, &typed) && typed.Kind == errs.KindValidation {
		return typed.Fields, true
	}
	return nil, false
}
