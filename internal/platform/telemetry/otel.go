package telemetry

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Options select what is exported.
type Options struct {
	ServiceName  string
	Version      string
	OTLPEndpoint string // traces go here over OTLP/HTTP when set
	MetricsAddr  string // Prometheus text format served here when set
}

// Setup installs the global tracer and meter providers. Spans are always
// created (so logs carry trace ids) but exported only when an OTLP endpoint
// is configured. The returned function flushes and stops everything.
func Setup(ctx context.Context, opts Options, log zerolog.Logger) (func(context.Context) error, error) {
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(
		attribute.String("service.name", opts.ServiceName), attribute.String("service.version", opts.Version)))
	if err != nil {
		return nil, err
	}
	var shutdowns []func(context.Context) error

	tpOpts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if opts.OTLPEndpoint != "" {
		// The exporter reads OTEL_EXPORTER_OTLP_* itself (endpoint, headers).
		exp, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, err
		}
		tpOpts = append(tpOpts, sdktrace.WithBatcher(exp))
		log.Info().Str("endpoint", opts.OTLPEndpoint).Msg("exporting traces over OTLP/HTTP")
	}
	tp := sdktrace.NewTracerProvider(tpOpts...)
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	shutdowns = append(shutdowns, tp.Shutdown)

	if opts.MetricsAddr != "" {
		registry := prometheus.NewRegistry()
		exp, err := otelprom.New(otelprom.WithRegisterer(registry))
		if err != nil {
			return nil, err
		}
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(exp))
		otel.SetMeterProvider(mp)
		srv := &http.Server{
			Addr:              opts.MetricsAddr,
			Handler:           metricsMux(registry),
			ReadHeaderTimeout: 5 * time.Second,
		}
		go func() {
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error().Err(err).Str("addr", opts.MetricsAddr).Msg("metrics server stopped")
			}
		}()
		log.Info().Str("addr", opts.MetricsAddr).Msg("serving Prometheus metrics at /metrics")
		shutdowns = append(shutdowns, srv.Shutdown, mp.Shutdown)
	}

	return func(ctx context.Context) error {
		var errs []error
		for _, s := range shutdowns {
			errs = append(errs, s(ctx))
		}
		return errors.Join(errs...)
	}, nil
}

func metricsMux(registry *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	return mux
}
