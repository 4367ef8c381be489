package cmdb

import (
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

const vlansPath = "/api/v1/vlans"

// VLANQuery documents the filters of the VLAN list.
type VLANQuery struct {
	httpapi.PageQuery
	ZoneID string `query:"zone_id" doc:"only the VLANs of this zone"`
	SiteID string `query:"site_id" doc:"only the VLANs of this site's zones"`
	Number string `query:"number" doc:"only VLANs with this number, 1-4094"`
}

func (h *Handler) vlanRoutes(s *httpapi.Server) {
	tags := []string{"cmdb"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: vlansPath, Permission: sitesRead, Tags: tags,
		Summary:     "List VLANs in number order",
		Description: "Each VLAN carries its zone's name, the zone's site and the number of assets in it.",
		Query:       VLANQuery{}, Response: httpapi.Page[VLAN]{}, Handler: h.listVLANs})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: vlansPath, Permission: sitesCreate, Tags: tags, Idempotent: true,
		Summary: "Create a VLAN",
		Description: "The number is unique in the zone, and among VLANs without a zone (422 taken). The CIDR is a " +
			"network without host bits; the gateway lies inside it.",
		Request: NewVLAN{}, Response: VLAN{}, Status: http.StatusCreated, Handler: h.createVLAN})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: vlansPath + "/:id", Permission: sitesRead, Tags: tags,
		Summary: "A VLAN", Response: VLAN{}, Handler: httpapi.ByID("VLAN", h.svc.VLAN)})
	s.Handle(httpapi.Route{Method: http.MethodPatch, Path: vlansPath + "/:id", Permission: sitesUpdate, Tags: tags,
		Summary: "Change a VLAN",
		Description: "Only the fields sent change; null clears a field. Moving the VLAN to a zone of another site is " +
			"refused (422 assets_in_other_site on zone_id) while it holds assets of a different site. " +
			"A stale version answers 409 version_conflict.",
		Request: VLANPatch{}, Response: VLAN{}, Handler: hierUpdate("VLAN", h.svc.UpdateVLAN, "zone_id")})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: vlansPath + "/:id", Permission: sitesDelete, Tags: tags,
		Summary:     "Delete a VLAN",
		Description: "Refused with 409 has_dependants while assets sit in the VLAN.",
		Status:      http.StatusNoContent, Handler: httpapi.NoContentByID("VLAN", h.svc.DeleteVLAN)})
}

func (h *Handler) listVLANs(c fiber.Ctx) error {
	page, err := httpapi.ParsePage(c)
	if err != nil {
		return err
	}
	var after vlanKey
	if page.HasCursor() {
		if err := page.After(&after.Number, &after.ID); err != nil {
			return err
		}
	}
	filter := VLANFilter{ZoneID: c.Query("zone_id"), SiteID: c.Query("site_id"), Number: c.Query("number")}
	vlans, err := h.svc.VLANs(c.Context(), filter, after, page.Limit)
	if err != nil {
		return err
	}
	return c.JSON(httpapi.NewPage(vlans, page.Limit, func(v VLAN) []any { return []any{v.Number, v.ID} }))
}

func (h *Handler) createVLAN(c fiber.Ctx) error {
	var n NewVLAN
	if err := httpapi.DecodeJSON(c, &n); err != nil {
		return hierDecodeError(c.Body(), err, "zone_id")
	}
	v, err := h.svc.CreateVLAN(c.Context(), n)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(v)
}
