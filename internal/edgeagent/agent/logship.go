package agent

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// shipper writes every record to the local handler and queues warnings and
// errors to be shipped as `log` events. The queue never blocks logging:
// when it is full the record is only logged locally.
type shipped struct {
	level   slog.Level
	message string
}

type shipper struct {
	local slog.Handler
	queue chan<- shipped
	attrs string
}

func (h *shipper) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn || h.local.Enabled(ctx, l)
}

func (h *shipper) Handle(ctx context.Context, r slog.Record) error {
	var err error
	if h.local.Enabled(ctx, r.Level) {
		err = h.local.Handle(ctx, r)
	}
	if r.Level >= slog.LevelWarn {
		var b strings.Builder
		b.WriteString(r.Message)
		b.WriteString(h.attrs)
		r.Attrs(func(a slog.Attr) bool {
			fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
			return true
		})
		select {
		case h.queue <- shipped{level: r.Level, message: b.String()}:
		default:
		}
	}
	return err
}

func (h *shipper) WithAttrs(attrs []slog.Attr) slog.Handler {
	var b strings.Builder
	b.WriteString(h.attrs)
	for _, a := range attrs {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	return &shipper{local: h.local.WithAttrs(attrs), queue: h.queue, attrs: b.String()}
}

func (h *shipper) WithGroup(name string) slog.Handler {
	return &shipper{local: h.local.WithGroup(name), queue: h.queue, attrs: h.attrs}
}

func levelName(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "error"
	case l >= slog.LevelWarn:
		return "warn"
	case l >= slog.LevelInfo:
		return "info"
	}
	return "debug"
}
