package security

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/rbac"
)

const alertsPath = "/api/v1/security/alerts"

// maxFilterValues bounds the comma-separated values of one filter.
const maxFilterValues = 100

// AlertQuery documents the query of the alert list.
type AlertQuery struct {
	Severity string    `query:"severity" doc:"info, low, medium, high, critical (comma-separated)"`
	Status   string    `query:"status" doc:"new, acknowledged, investigating, resolved, false_positive, escalated (comma-separated)"`
	SiteID   string    `query:"site_id" doc:"site ids, comma-separated"`
	DeviceID string    `query:"device_id" doc:"edge device ids, comma-separated"`
	From     time.Time `query:"from" doc:"observed at or after, RFC 3339 (encode + as %2B)"`
	To       time.Time `query:"to" doc:"observed before, RFC 3339 (encode + as %2B)"`
	httpapi.PageQuery
}

var alertParams = []string{"severity", "status", "site_id", "device_id", "from", "to", "limit", "cursor"}

// TimelineQuery documents the query of the alert timeline.
type TimelineQuery struct {
	Bucket string    `query:"bucket" doc:"hour (default) or day; buckets start on UTC hour or day boundaries"`
	From   time.Time `query:"from" doc:"observed at or after, RFC 3339, rounded down to the bucket (default: 24 hours or 30 days before to)"`
	To     time.Time `query:"to" doc:"observed before, RFC 3339 (default: now); at most 744 hourly or 366 daily buckets"`
}

var timelineParams = []string{"bucket", "from", "to"}

// Handler serves the alert routes.
type Handler struct{ svc *Service }

// NewHandler wires the HTTP side.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// Routes registers the alert endpoints on s.
func (h *Handler) Routes(s *httpapi.Server) {
	tags := []string{"security"}
	feature := string(rbac.FeatureSecurity)
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: alertsPath, Permission: PermissionRead, Feature: feature, Tags: tags,
		Summary: "List security alerts, newest first",
		Description: "Keyset pages ordered by observed time, newest first. Filters combine with AND; the " +
			"comma-separated values of one filter with OR.",
		Query: AlertQuery{}, Response: httpapi.Page[Alert]{}, Handler: h.list})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: alertsPath + "/timeline", Permission: PermissionRead, Feature: feature, Tags: tags,
		Summary: "Security alerts over time, counted per hour or day and severity",
		Description: "Every bucket from from (rounded down to the bucket) to to is present, oldest first, zero " +
			"when no alert was observed in it. Buckets start on UTC boundaries; a range longer than 744 hours or " +
			"366 days is 422.",
		Query: TimelineQuery{}, Response: Timeline{}, Handler: h.timeline})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: alertsPath + "/:id", Permission: PermissionRead, Feature: feature, Tags: tags,
		Summary: "A security alert", Response: Alert{}, Handler: httpapi.ByID("alert", h.svc.Alert)})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: alertsPath + "/:id/acknowledge", Permission: PermissionManage, Feature: feature, Tags: tags,
		Summary: "Acknowledge a security alert",
		Description: "Moves a new alert to acknowledged and records who and when. Acknowledging an acknowledged " +
			"alert answers it unchanged; an alert past acknowledgement (investigating, resolved, ...) is 409 " +
			"invalid_transition.",
		Response: Alert{}, Handler: httpapi.ByID("alert", h.svc.Acknowledge)})
}

func (h *Handler) list(c fiber.Ctx) error {
	values, problems := httpapi.StrictQuery(c, alertParams)
	f, invalid := parseFilter(values)
	return httpapi.KeysetList(c, append(problems, invalid...),
		func(k *Cursor) []any { return []any{&k.ObservedAt, &k.ID} },
		func(after *Cursor, limit int) ([]Alert, error) { return h.svc.Alerts(c.Context(), f, after, limit) },
		func(a Alert) []any { return []any{a.ObservedAt, a.ID} })
}

// parseFilter reads the filter from query values, reporting every bad one.
func parseFilter(values map[string]string) (Filter, []errs.FieldError) {
	var c errs.Checker
	for name, raw := range values {
		if strings.Count(raw, ",") >= maxFilterValues {
			c.Add(name, "too_many", "at most "+strconv.Itoa(maxFilterValues)+" values")
		}
	}
	enum := func(name string, allowed []string) []string {
		list := splitList(values[name])
		if !validEnum(list, allowed) {
			c.Add(name, "invalid", "values are "+strings.Join(allowed, ", "))
			return nil
		}
		return list
	}
	ids := func(name string) []uuid.UUID {
		var out []uuid.UUID
		for _, raw := range splitList(values[name]) {
			id, err := uuid.Parse(raw)
			if err != nil {
				c.Add(name, "invalid", "must be UUIDs separated by commas")
				return nil
			}
			out = append(out, id)
		}
		return out
	}
	f := Filter{Severities: enum("severity", Severities), Statuses: enum("status", Statuses),
		SiteIDs: ids("site_id"), DeviceIDs: ids("device_id"), From: c.Time("from", values["from"]), To: c.Time("to", values["to"])}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		c.Add("to", "before_from", "must be after from")
	}
	return f, c.Fields
}

func splitList(raw string) []string {
	var out []string
	for v := range strings.SplitSeq(raw, ",") {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func (h *Handler) timeline(c fiber.Ctx) error {
	values, problems := httpapi.StrictQuery(c, timelineParams)
	r, invalid := parseTimeline(values, h.svc.now())
	if problems = append(problems, invalid...); len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	t, err := h.svc.Timeline(c.Context(), r)
	if err != nil {
		return err
	}
	return c.JSON(t)
}
