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
	return httpapi.SendDownload(c, contentTypes[format], filename, func(ctx context.Context, begin func() (io.Writer, error)) error {
		var enc encoder
		start := func() error {
			w, err := begin()
			if err != nil {
				return err
			}
			enc = newEncoder(format, w)
			return enc.begin()
		}
		err := h.svc.Export(ctx, f, format, func(e Entry) error {
			if enc == nil {
				if err := start(); err != nil {
					return err
				}
			}
			return enc.entry(e)
		})
		if err == nil && enc == nil {
			err = start()
		}
		if err != nil {
			return err
		}
		return enc.end()
	})
}
