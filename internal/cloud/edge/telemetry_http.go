package edge

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// TelemetryQuery documents the telemetry history's parameters.
type TelemetryQuery struct {
	From   string `query:"from" doc:"RFC 3339; 24 hours before to when absent"`
	To     string `query:"to" doc:"RFC 3339; now when absent"`
	Bucket string `query:"bucket" enum:"1m 5m 15m 1h 6h 1d" doc:"bucket width; the narrowest giving at most 1000 buckets when absent"`
}

// LogQuery documents the device log's filters.
type LogQuery struct {
	httpapi.PageQuery
	Level string `query:"level" enum:"debug info warn error" doc:"this level and above"`
	From  string `query:"from" doc:"RFC 3339, inclusive"`
	To    string `query:"to" doc:"RFC 3339, exclusive"`
}

func (h *Handler) telemetryRoutes(s *httpapi.Server) {
	tags := []string{"edge"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: devicesPath + "/:id/telemetry", Permission: "devices.read", Tags: tags,
		Summary:     "A device's telemetry history in time buckets, for charts",
		Description: "Average and maximum CPU, memory and disk per bucket; at most 1000 buckets (422 otherwise).",
		Query:       TelemetryQuery{}, Response: TelemetryHistory{}, Handler: h.telemetry})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: devicesPath + "/:id/logs", Permission: "devices.read", Tags: tags,
		Summary: "A device's own log lines, newest first",
		Query:   LogQuery{}, Response: httpapi.Page[DeviceLog]{}, Handler: h.logs})
}

func (h *Handler) telemetry(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "device")
	if err != nil {
		return err
	}
	q, problems := httpapi.StrictQuery(c, []string{"from", "to", "bucket"})
	r := TelemetryRange{Bucket: q["bucket"]}
	r.From, problems = queryTime(q, "from", problems)
	r.To, problems = queryTime(q, "to", problems)
	if len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	out, err := h.svc.Telemetry(c.Context(), id, r)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handler) logs(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "device")
	if err != nil {
		return err
	}
	q, problems := httpapi.StrictQuery(c, []string{"limit", "cursor", "level", "from", "to"})
	f := LogFilter{Level: q["level"]}
	f.From, problems = queryTime(q, "from", problems)
	f.To, problems = queryTime(q, "to", problems)
	return httpapi.KeysetList(c, problems,
		func(k *logCursor) []any { return []any{&k.TS, &k.ID} },
		func(after *logCursor, limit int) ([]DeviceLog, error) {
			return h.svc.Logs(c.Context(), id, f, after, limit)
		},
		func(l DeviceLog) []any { return []any{l.TS, l.ID} })
}

// queryTime reads an optional RFC 3339 parameter.
func queryTime(q map[string]string, name string, problems []errs.FieldError) (*time.Time, []errs.FieldError) {
	raw := q[name]
	if raw == "" {
		return nil, problems
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return nil, append(problems, errs.Field(name, "invalid", "must be an RFC 3339 time, e.g. 2026-12-01T12:00:00Z"))
	}
	return &t, problems
}
