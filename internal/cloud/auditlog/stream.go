package auditlog

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

var contentTypes = map[Format]string{
	FormatCSV:  "text/csv; charset=utf-8",
	FormatJSON: fiber.MIMEApplicationJSONCharsetUTF8,
}

// export streams the matching entries as a download (httpapi.SendDownload:
// failures before the first entry are problem responses, later ones break
// the download off).
func (h *Handler) export(c fiber.Ctx) error {
	values, problems := httpapi.StrictQuery(c, exportParams)
	f, invalid := parseFilter(values)
	format, badFormat := parseFormat(values["format"])
	if problems = append(append(problems, invalid...), badFormat...); len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	filename := fmt.Sprintf("audit-%s.%s", time.Now().UTC().Format(time.DateOnly), format)
	return httpapi.SendRows(c, contentTypes[format], filename,
		func(w io.Writer) httpapi.RowEncoder[Entry] { return newEncoder(format, w) },
		func(ctx context.Context, emit func(Entry) error) error { return h.svc.Export(ctx, f, format, emit) })
}
