package httpapi

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
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

// RowEncoder writes a download one row at a time: Begin once, Row per row,
// End once (which flushes).
type RowEncoder[T any] interface {
	Begin() error
	Row(row T) error
	End() error
}

// SendRows streams the rows produce emits as a download, encoded by the
// encoder newEncoder makes when the first row (or the end of an empty
// result) arrives — see SendDownload for how failures reach the client.
func SendRows[T any](c fiber.Ctx, contentType, filename string, newEncoder func(w io.Writer) RowEncoder[T],
	produce func(ctx context.Context, emit func(T) error) error) error {
	return SendDownload(c, contentType, filename, func(ctx context.Context, begin func() (io.Writer, error)) error {
		var enc RowEncoder[T]
		start := func() error {
			w, err := begin()
			if err != nil {
				return err
			}
			enc = newEncoder(w)
			return enc.Begin()
		}
		err := produce(ctx, func(row T) error {
			if enc == nil {
				if err := start(); err != nil {
					return err
				}
			}
			return enc.Row(row)
		})
		if err == nil && enc == nil {
			err = start()
		}
		if err != nil {
			return err
		}
		return enc.End()
	})
}

// CSVRows encodes rows as CSV under a header, every cell spreadsheet-safe.
type CSVRows[T any] struct {
	w      *csv.Writer
	header []string
	record func(T) []string
}

// NewCSVRows makes a CSV encoder writing header then record(row) per row.
func NewCSVRows[T any](w io.Writer, header []string, record func(T) []string) *CSVRows[T] {
	return &CSVRows[T]{w: csv.NewWriter(w), header: header, record: record}
}

// Begin writes the header.
func (e *CSVRows[T]) Begin() error { return e.w.Write(e.header) }

// Row writes one record.
func (e *CSVRows[T]) Row(row T) error {
	record := e.record(row)
	for i, cell := range record {
		record[i] = SpreadsheetSafe(cell)
	}
	return e.w.Write(record)
}

// End flushes.
func (e *CSVRows[T]) End() error {
	e.w.Flush()
	return e.w.Error()
}

// JSONRows encodes rows as one JSON array, an element at a time.
type JSONRows[T any] struct {
	w     *bufio.Writer
	count int
}

// NewJSONRows makes a JSON array encoder.
func NewJSONRows[T any](w io.Writer) *JSONRows[T] { return &JSONRows[T]{w: bufio.NewWriter(w)} }

// Begin opens the array.
func (e *JSONRows[T]) Begin() error {
	_, err := e.w.WriteString("[")
	return err
}

// Row writes one element.
func (e *JSONRows[T]) Row(row T) error {
	raw, err := json.Marshal(row)
	if err != nil {
		return err
	}
	separator := ",\n"
	if e.count == 0 {
		separator = "\n"
	}
	e.count++
	if _, err := e.w.WriteString(separator); err != nil {
		return err
	}
	_, err = e.w.Write(raw)
	return err
}

// End closes the array and flushes.
func (e *JSONRows[T]) End() error {
	if _, err := e.w.WriteString("\n]\n"); err != nil {
		return err
	}
	return e.w.Flush()
}
