package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v3"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"

	"github.com/monozu/monozu/internal/platform/errs"
)

// errIncomplete ends a body that has started when its producer fails.
var errIncomplete = errors.New("the download failed part-way and is incomplete")

var downloadTracer = otel.Tracer("github.com/monozu/monozu/internal/platform/httpapi/download")

// Producer writes a download. It calls begin once, when it knows the body
// will start (after its first row, or at the end of an empty result), and
// writes to the writer begin returns.
type Producer func(ctx context.Context, begin func() (io.Writer, error)) error

// SendDownload streams what produce writes as an attachment.
//
// Fiber writes a streamed body after the handler has returned, and the
// producer's transaction must stay open while it does, so produce runs in
// its own goroutine and hands its bytes to Fiber through an io.Pipe: memory
// stays at one row and a few buffers whatever the size. The handler waits
// until produce begins: anything that fails before then — validation, a
// size cap, the database — is an ordinary problem response. A failure
// after the body has started closes the pipe with an error, and Fiber then
// ends the connection without the final chunk, so the client sees a broken
// download rather than a file that looks complete. ctx is the request's
// context, which outlives the handler (Fiber never cancels it); Fiber
// closes the pipe's reading end when the response is done or abandoned,
// which fails the producer's next write and ends it.
func SendDownload(c fiber.Ctx, contentType, filename string, produce Producer) error {
	body, out := io.Pipe()
	started := make(chan error, 1)
	go runDownload(c.Context(), filename, produce, out, started)
	if err := <-started; err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, filename))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStream(body)
}

// runDownload runs produce into out. It reports on started exactly once:
// nil when the body begins, or the error that stopped produce before it.
func runDownload(ctx context.Context, name string, produce Producer, out *io.PipeWriter, started chan<- error) {
	ctx, span := downloadTracer.Start(ctx, "download "+name)
	defer span.End()
	begun := false
	begin := func() (io.Writer, error) {
		if !begun {
			begun = true
			started <- nil
		}
		return out, nil
	}
	finish := func(err error) {
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, "download failed")
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
			finish(errs.Wrap(errs.KindInternal, "download panicked", fmt.Errorf("%v", r)))
		}
	}()
	err := produce(ctx, begin)
	if err == nil && !begun {
		_, err = begin()
	}
	finish(err)
}

// SpreadsheetSafe stops spreadsheet programs from running a CSV cell as a
// formula (CSV injection, OWASP): a cell starting with = + - @, a tab or a
// carriage return gets a leading single quote, which spreadsheets show as
// text. FromSpreadsheetSafe undoes it when such a file comes back.
func SpreadsheetSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// FromSpreadsheetSafe removes the quote SpreadsheetSafe added.
func FromSpreadsheetSafe(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(cell[1])) {
		return cell[1:]
	}
	return cell
}
