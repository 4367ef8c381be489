package edge

import (
	"encoding/json"
	"net/http"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

const devicesPath = "/api/v1/devices"

// DeviceQuery documents the filters of the device list.
type DeviceQuery struct {
	httpapi.PageQuery
	SiteID string `query:"site_id" doc:"only devices of this site"`
	Status string `query:"status" enum:"online offline never_seen deregistered" doc:"only devices in this state; without it deregistered devices are left out"`
	Q      string `query:"q" doc:"part of the name, hostname or location, any case"`
}

func (h *Handler) deviceRoutes(s *httpapi.Server) {
	tags := []string{"edge"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: devicesPath, Permission: "devices.read", Tags: tags,
		Summary: "List edge devices in name order",
		Description: "Status is online when the device called within three poll intervals, offline when earlier, " +
			"never_seen before its first call. Deregistered devices are listed only with status=deregistered.",
		Query: DeviceQuery{}, Response: httpapi.Page[Device]{}, Handler: h.listDevices})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: devicesPath + "/:id", Permission: "devices.read", Tags: tags,
		Summary: "An edge device with its latest telemetry", Response: Device{}, Handler: httpapi.ByID("device", h.svc.Device)})
	s.Handle(httpapi.Route{Method: http.MethodPatch, Path: devicesPath + "/:id", Permission: "devices.update", Tags: tags,
		Summary:     "Change a device's name, site, location or roles",
		Description: "Only the fields sent change; site_id null takes the device out of its site. A stale version answers 409 version_conflict.",
		Request:     DevicePatch{}, Response: Device{}, Handler: h.updateDevice})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: devicesPath + "/:id", Permission: "devices.delete", Tags: tags,
		Summary: "Deregister a device",
		Description: "Revokes the device key at once (the device's next call answers 401) and keeps the device, " +
			"its telemetry, logs and commands as history.",
		Status: http.StatusNoContent, Handler: httpapi.NoContentByID("device", h.svc.DeregisterDevice)})
}

func (h *Handler) listDevices(c fiber.Ctx) error {
	q, problems := httpapi.StrictQuery(c, []string{"limit", "cursor", "site_id", "status", "q"})
	f := DeviceFilter{Status: q["status"], Query: q["q"]}
	if raw := q["site_id"]; raw != "" {
		if id, err := uuid.Parse(raw); err != nil {
			problems = append(problems, errs.Field("site_id", "invalid", "must be a site id (UUID)"))
		} else {
			f.SiteID = &id
		}
	}
	return httpapi.KeysetList(c, problems,
		func(k *deviceCursor) []any { return []any{&k.Name, &k.ID} },
		func(after *deviceCursor, limit int) ([]Device, error) {
			return h.svc.Devices(c.Context(), f, after, limit)
		},
		func(d Device) []any { return []any{d.Name, d.ID} })
}

func (h *Handler) updateDevice(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "device")
	if err != nil {
		return err
	}
	var p DevicePatch
	if err := httpapi.DecodeJSON(c, &p); err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(c.Body(), &raw) == nil {
		p.clearSite = string(raw["site_id"]) == "null"
	}
	out, err := h.svc.UpdateDevice(c.Context(), id, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
