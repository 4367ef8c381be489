package cmdb

import (
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

const zonesPath = "/api/v1/zones"

// ZoneQuery documents the filters of the zone list.
type ZoneQuery struct {
	httpapi.PageQuery
	SiteID      string `query:"site_id" doc:"only the zones of this site"`
	PurdueLevel string `query:"purdue_level" enum:"0 1 2 3 3.5 4 5" doc:"only the zones at this Purdue level"`
}

func (h *Handler) zoneRoutes(s *httpapi.Server) {
	tags := []string{"cmdb"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: zonesPath, Permission: sitesRead, Tags: tags,
		Summary:     "List zones in name order",
		Description: "Each zone carries its site's name and the number of its VLANs.",
		Query:       ZoneQuery{}, Response: httpapi.Page[Zone]{}, Handler: h.listZones})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: zonesPath, Permission: sitesCreate, Tags: tags, Idempotent: true,
		Summary:     "Create a zone",
		Description: "The name is unique in the zone's site (any case; 422 taken).",
		Request:     NewZone{}, Response: Zone{}, Status: http.StatusCreated, Handler: h.createZone})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: zonesPath + "/:id", Permission: sitesRead, Tags: tags,
		Summary: "A zone", Response: Zone{}, Handler: httpapi.ByID("zone", h.svc.Zone)})
	s.Handle(httpapi.Route{Method: http.MethodPatch, Path: zonesPath + "/:id", Permission: sitesUpdate, Tags: tags,
		Summary: "Change a zone",
		Description: "Only the fields sent change; null clears a field. Moving the zone to another site is refused " +
			"(422 assets_in_other_site on site_id) while its VLANs hold assets of a different site. " +
			"A stale version answers 409 version_conflict.",
		Request: ZonePatch{}, Response: Zone{}, Handler: hierUpdate("zone", h.svc.UpdateZone, "site_id")})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: zonesPath + "/:id", Permission: sitesDelete, Tags: tags,
		Summary:     "Delete a zone",
		Description: "Refused with 409 has_dependants while the zone has VLANs.",
		Status:      http.StatusNoContent, Handler: httpapi.NoContentByID("zone", h.svc.DeleteZone)})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: sitesPath + "/:id/zones/preset", Permission: sitesCreate, Tags: tags,
		Idempotent: true,
		Summary:    "Create the usual Purdue zones in a site",
		Description: "Creates one zone per Purdue level (Level 0 - Field devices, Level 1 - Field devices, " +
			"Level 2 - Control, Level 3 - Operations, Level 3.5 - Industrial DMZ, Level 4 - Enterprise IT, " +
			"Level 5 - Enterprise IT), skipping names the site already has. Answers 201 with the zones created, " +
			"or 200 with an empty list when the site had them all.",
		Response: ZonePresetResult{}, Status: http.StatusCreated, Handler: h.createZonePreset})
}

func (h *Handler) listZones(c fiber.Ctx) error {
	page, err := httpapi.ParsePage(c)
	if err != nil {
		return err
	}
	var after zoneKey
	if page.HasCursor() {
		if err := page.After(&after.Name, &after.ID); err != nil {
			return err
		}
	}
	filter := ZoneFilter{SiteID: c.Query("site_id"), PurdueLevel: c.Query("purdue_level")}
	zones, err := h.svc.Zones(c.Context(), filter, after, page.Limit)
	if err != nil {
		return err
	}
	return c.JSON(httpapi.NewPage(zones, page.Limit, func(z Zone) []any { return []any{z.Name, z.ID} }))
}

func (h *Handler) createZone(c fiber.Ctx) error {
	var n NewZone
	if err := httpapi.DecodeJSON(c, &n); err != nil {
		return hierDecodeError(c.Body(), err, "site_id")
	}
	z, err := h.svc.CreateZone(c.Context(), n)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(z)
}

func (h *Handler) createZonePreset(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "site")
	if err != nil {
		return err
	}
	created, err := h.svc.CreateZonePreset(c.Context(), id)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if len(created) == 0 {
		status = http.StatusOK
	}
	return c.Status(status).JSON(ZonePresetResult{Created: created})
}
