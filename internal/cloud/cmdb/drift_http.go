package cmdb

import (
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

const driftPath = "/api/v1/drift"

func (h *Handler) driftRoutes(s *httpapi.Server) {
	tags := []string{"cmdb"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: driftPath, Permission: "assets.read", Tags: tags,
		Summary: "Drift between recorded and observed values, newest first",
		Description: "Where discovery observed a firmware version, model, serial number or host name other than the " +
			"asset's. Open records by default; status asks for accepted or dismissed ones.",
		Query: DriftQuery{}, Response: httpapi.Page[DriftRecord]{}, Handler: h.driftHTTPList})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: driftPath + "/:id/accept", Permission: "assets.update", Tags: tags,
		Summary: "Accept the observed value",
		Description: "Writes the observed value into the asset (a new asset version, audited as assets.drift_accept) " +
			"and closes the record. 409 drift_not_open when it is already resolved.",
		Response: DriftRecord{}, Handler: httpapi.ByID("drift", h.svc.AcceptDrift)})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: driftPath + "/:id/dismiss", Permission: "assets.update", Tags: tags,
		Summary: "Dismiss the drift",
		Description: "Closes the record and leaves the asset unchanged; the same observed value does not open drift " +
			"again, a different one does. 409 drift_not_open when it is already resolved.",
		Response: DriftRecord{}, Handler: httpapi.ByID("drift", h.svc.DismissDrift)})
}

func (h *Handler) driftHTTPList(c fiber.Ctx) error {
	values, problems := httpapi.StrictQuery(c, driftQueryParams)
	f, invalid := parseDriftFilter(values)
	return httpapi.KeysetList(c, append(problems, invalid...),
		func(k *driftKey) []any { return []any{&k.OpenedAt, &k.ID} },
		func(after *driftKey, limit int) ([]DriftRecord, error) {
			return h.svc.Drift(c.Context(), f, after, limit)
		},
		func(d DriftRecord) []any { return []any{d.OpenedAt, d.ID} })
}
