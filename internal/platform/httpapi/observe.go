package httpapi

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/requestmeta"
)

const instrumentation = "github.com/monozu/monozu/internal/platform/httpapi"

type instruments struct {
	duration metric.Float64Histogram
	inFlight metric.Int64UpDownCounter
}

func newInstruments() instruments {
	meter := otel.Meter(instrumentation)
	duration, _ := meter.Float64Histogram("http.server.request.duration",
		metric.WithUnit("s"), metric.WithDescription("Duration of HTTP server requests."),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
	inFlight, _ := meter.Int64UpDownCounter("http.server.active_requests",
		metric.WithUnit("{request}"), metric.WithDescription("Number of HTTP requests in flight."))
	return instruments{duration: duration, inFlight: inFlight}
}

// headerCarrier lets the OTel propagator read trace headers from Fiber.
type headerCarrier struct{ c fiber.Ctx }

func (h headerCarrier) Get(key string) string { return h.c.Get(key) }
func (h headerCarrier) Set(key, value string) { h.c.Set(key, value) }
func (h headerCarrier) Keys() []string        { return []string{"traceparent", "tracestate", "baggage"} }

// observe is the outermost instrumented layer: it opens the server span,
// counts the request, renders errors (so the status is known here), and
// writes one access-log line.
func observe(service string, log zerolog.Logger) fiber.Handler {
	tracer := otel.Tracer(instrumentation)
	inst := newInstruments()
	propagator := otel.GetTextMapPropagator
	return func(c fiber.Ctx) error {
		start := time.Now()
		method := c.Method()
		ctx := propagator().Extract(c.Context(), headerCarrier{c})
		ctx, span := tracer.Start(ctx, method+" "+c.Path(), trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", method), attribute.String("url.path", c.Path()),
				attribute.String("service.component", service)))
		defer span.End()
		ctx = requestmeta.With(ctx, requestmeta.Meta{
			IP: c.IP(), UserAgent: strings.Clone(c.Get(fiber.HeaderUserAgent)), RequestID: RequestID(c),
		})
		c.SetContext(ctx)
		inst.inFlight.Add(ctx, 1)
		defer inst.inFlight.Add(ctx, -1)

		if err := c.Next(); err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}

		status := c.Response().StatusCode()
		route := c.Route().Path
		span.SetName(method + " " + route)
		span.SetAttributes(attribute.String("http.route", route), attribute.Int("http.response.status_code", status))
		if status >= 500 {
			span.SetStatus(codes.Error, "server error")
		}
		latency := time.Since(start)
		inst.duration.Record(ctx, latency.Seconds(), metric.WithAttributes(
			attribute.String("http.request.method", method), attribute.String("http.route", route),
			attribute.Int("http.response.status_code", status)))

		bytesOut := -1 // unknown for a streamed body: Body() would read it all into memory
		if !c.Response().IsBodyStream() {
			bytesOut = len(c.Response().Body())
		}
		level := zerolog.InfoLevel
		if status >= 500 {
			level = zerolog.ErrorLevel
		}
		ev := log.WithLevel(level).
			Str("request_id", RequestID(c)).
			Str("method", method).
			Str("path", c.Path()).
			Str("route", route).
			Int("status", status).
			Float64("latency_ms", float64(latency.Microseconds())/1000).
			Str("ip", c.IP()).
			Int("bytes_out", bytesOut)
		if sc := span.SpanContext(); sc.HasTraceID() {
			ev = ev.Str("trace_id", sc.TraceID().String())
		}
		if p, ok := auth.PrincipalFrom(c.Context()); ok {
			ev = ev.Str("tenant_id", p.TenantID.String())
			if p.Kind == auth.KindUser {
				ev = ev.Str("user_id", p.ActorID.String())
			}
		}
		ev.Msg("request")
		return nil
	}
}

var _ propagation.TextMapCarrier = headerCarrier{}
