package ingest

import (
	"database/sql/driver"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// Path is the ingest endpoint.
const Path = "/v1/ingest"

// databaseRetryAfter is what a device is told to wait while the database
// cannot be reached.
const databaseRetryAfter = 5 * time.Second

// batchProblem is the 400 answer: the problem, with every bad event both
// as a field error (events[3].data.cpu_percent) and in events.
type batchProblem struct {
	httpapi.Problem
	Events []BadEvent `json:"events"`
}

// handler answers POST /v1/ingest.
type handler struct{ svc *Service }

func (h handler) ingest(c fiber.Ctx) error {
	device, ok := edge.DeviceFrom(c)
	if !ok {
		return errs.New(errs.KindInternal, "the device key middleware did not run")
	}
	if mediaType, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); err != nil || mediaType != fiber.MIMEApplicationJSON {
		return errs.New(errs.KindUnsupportedMedia, "Send the batch as application/json.")
	}
	body, err := decompress(c.BodyRaw(), c.Get(fiber.HeaderContentEncoding))
	if err != nil {
		return err
	}
	batch, bad, err := decodeBatch(body, h.svc.now())
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return badBatch(c, bad)
	}
	if err := h.svc.Store(c.Context(), device, batch); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

func badBatch(c fiber.Ctx, bad []BadEvent) error {
	p := batchProblem{Problem: httpapi.Problem{
		Type: "urn:monozu:problem:invalid_events", Title: http.StatusText(http.StatusBadRequest), Status: http.StatusBadRequest,
		Detail:   strconv.Itoa(len(bad)) + " problem(s) in the batch; nothing was stored.",
		Instance: c.Path(), Code: "invalid_events", RequestID: httpapi.RequestID(c),
	}, Events: bad}
	for _, b := range bad {
		p.Errors = append(p.Errors, errs.Field("events["+strconv.Itoa(b.Index)+"]."+b.Field, b.Code, b.Reason))
	}
	return c.Status(http.StatusBadRequest).JSON(p, httpapi.ProblemContentType)
}

// databaseUnavailable answers 503 with Retry-After, instead of 500, when
// the database cannot be reached at all (refused or broken connections):
// the device keeps its spool and retries.
func databaseUnavailable(c fiber.Ctx) error {
	err := c.Next()
	if err == nil || errs.KindOf(err) != errs.KindInternal {
		return err
	}
	var connect *pgconn.ConnectError
	var netErr net.Error
	if errors.As(err, &connect) || errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) {
		e := errs.Wrap(errs.KindUnavailable, "The database is unavailable; retry later.", err).WithCode("database_unavailable")
		e.RetryAfter = databaseRetryAfter
		return e
	}
	return err
}

// route declares the endpoint. The device key is checked first, then the
// device's rate, so the limit counts per device (edge.DeviceRateKey).
func (h handler) route(keys *edge.DeviceKeys, seen *edge.LastSeen, perMinute int) httpapi.Route {
	return httpapi.Route{
		Method: http.MethodPost, Path: Path, Public: true, Tags: []string{"ingest"},
		Summary: "Store a batch of device events",
		Description: "Header X-Device-Key (the device's key) is required; the body may be gzip (Content-Encoding). " +
			"204 stored (a replayed batch too); 400 bad events, nothing stored; 401 bad or revoked key; 403 suspended " +
			"organisation or backup events without the backup module; 413 over 10 MiB decompressed or 10,000 events; " +
			"429 and 503 with Retry-After. See docs/ingest.md.",
		Request: []Event{}, Status: http.StatusNoContent,
		Middleware: []fiber.Handler{
			databaseUnavailable,
			keys.Middleware(seen),
			httpapi.RateLimiter(httpapi.RateLimit{Max: perMinute, Window: time.Minute, Key: edge.DeviceRateKey}),
		},
		Handler: h.ingest,
	}
}
