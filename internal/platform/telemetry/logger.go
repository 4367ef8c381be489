// Package telemetry sets up logs (zerolog), traces and metrics
// (OpenTelemetry) for every Monozu process.
package telemetry

import (
	"io"
	"time"

	"github.com/rs/zerolog"
)

// NewLogger returns a JSON logger, or a readable console logger when format
// is "console". Unknown levels fall back to info.
func NewLogger(w io.Writer, format, level string) zerolog.Logger {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil || level == "" {
		lvl = zerolog.InfoLevel
	}
	zerolog.TimeFieldFormat = time.RFC3339Nano
	if format == "console" {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05.000"}
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger()
}

// LogFormat resolves the configured format: console in development unless
// told otherwise, JSON everywhere else.
func LogFormat(configured string, development bool) string {
	if configured != "" {
		return configured
	}
	if development {
		return "console"
	}
	return "json"
}
