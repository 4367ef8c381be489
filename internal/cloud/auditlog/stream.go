package auditlog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gofiber/fiber/v3"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"

	"github.com/monozu/monozu/internal/platform/errs"
)

// errIncomplete ends a body that has started when the export fails.
var errIncomplete = errors.New("the audit log export failed part-way; the download is incomplete")

var tracer = otel.Tracer("github.com/monozu/monozu/internal/cloud/auditlog")

var contentTypes = map[Format]string{
	FormatCSV:  "text/csv; charset=utf-8",
	FormatJSON: fiber.MIMEApplicationJSONCharsetUTF8,
}

// export streams the matching entries as a download.
//
// Fiber writes a streamed body after the handler has returned, and the
// export's transaction must stay open while it does, so the export runs in
// its own goroutine and hands its bytes to Fiber through an io.Pipe: memory
// stays at one entry and a few buffers whatever the size. The handler waits
// until the first entry (or the end of an empty export): anything that fails
// before then — validation, the size cap, the database — is an ordinary
// problem response. A failure after the body has started closes the pipe
// with the error, and Fiber then ends the connection without the final
// chunk, so the client sees a broken download rather than a file that looks
// complete.
func (h *Handler) export(c fiber.Ctx) error {
	values, problems := queryValues(c, exportParams)
	f, invalid := parseFilter(values)
	format, badFormat := parseFormat(values["format"])
	if problems = append(append(problems, invalid...), badFormat...); len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	body, out := io.Pipe()
	started := make(chan error, 1)
	go h.runExport(c.Context(), f, format, out, started)
	if err := <-started; err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentTypes[format])
	c.Set(fiber.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="audit-%s.%s"`, time.Now().UTC().Format(time.DateOnly), format))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStream(body)
}

// runExport runs the export into out. It reports on started exactly once:
// nil when the body begins, or the error that stopped the export before it.
// ctx is the request's context, which outlives the handler (Fiber never
// cancels it); Fiber closes the pipe's reading end when the response is
// done or abandoned, which fails the next write here and ends the export.
func (h *Handler) runExport(ctx context.Context, f Filter, format Format, out *io.PipeWriter, started chan<- error) {
	ctx, span := tracer.Start(ctx, "auditlog.export")
	defer span.End()
	enc := newEncoder(format, out)
	begun := false
	begin := func() error {
		begun = true
		started <- nil
		return enc.begin()
	}
	finish := func(err error) {
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, "export failed")
		}
		if !begun {
			started <- err
			return
		}
		if err != nil {
			// Only the HTTP server sees this error (it aborts the body); the
			// cause is on the span, never in front of the client.
			err = errIncomplete
		}
		_ = out.CloseWithError(err) // nil: the body ends normally
	}
	defer func() {
		if r := recover(); r != nil {
			finish(errs.Wrap(errs.KindInternal, "export panicked", fmt.Errorf("%v", r)))
		}
	}()

	err := h.svc.Export(ctx, f, format, func(e Entry) error {
		if !begun {
			if err := begin(); err != nil {
				return err
			}
		}
		return enc.entry(e)
	})
	if err == nil && !begun {
		err = begin()
	}
	if err == nil {
		err = enc.end()
	}
	finish(err)
}
