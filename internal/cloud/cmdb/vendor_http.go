package cmdb

import (
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

const vendorsPath = "/api/v1/vendors"

// VendorQuery documents the filters of the vendor list.
type VendorQuery struct {
	httpapi.PageQuery
	Q string `query:"q" doc:"part of the name, any case"`
}

func (h *Handler) vendorRoutes(s *httpapi.Server) {
	tags := []string{"cmdb"}
	const read, create, update, del = "vendors.read", "vendors.create", "vendors.update", "vendors.delete"
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: vendorsPath, Permission: read, Tags: tags,
		Summary:     "List vendors in name order",
		Description: "Each vendor carries the number of assets that name it.",
		Query:       VendorQuery{}, Response: httpapi.Page[Vendor]{}, Handler: h.listVendors})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: vendorsPath, Permission: create, Tags: tags, Idempotent: true,
		Summary:     "Create a vendor",
		Description: "The name is unique in the organisation, in any case (422 taken).",
		Request:     NewVendor{}, Response: Vendor{}, Status: http.StatusCreated, Handler: httpapi.Create(h.svc.CreateVendor)})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: vendorsPath + "/:id", Permission: read, Tags: tags,
		Summary: "A vendor", Response: Vendor{}, Handler: httpapi.ByID("vendor", h.svc.Vendor)})
	s.Handle(httpapi.Route{Method: http.MethodPatch, Path: vendorsPath + "/:id", Permission: update, Tags: tags,
		Summary:     "Change a vendor",
		Description: "Only the fields sent change; null clears a field. A stale version answers 409 version_conflict.",
		Request:     VendorPatch{}, Response: Vendor{}, Handler: hierUpdate("vendor", h.svc.UpdateVendor)})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: vendorsPath + "/:id", Permission: del, Tags: tags,
		Summary:     "Delete a vendor",
		Description: "Refused with 409 has_dependants while assets name the vendor.",
		Status:      http.StatusNoContent, Handler: httpapi.NoContentByID("vendor", h.svc.DeleteVendor)})
}

func (h *Handler) listVendors(c fiber.Ctx) error {
	page, err := httpapi.ParsePage(c)
	if err != nil {
		return err
	}
	var after vendorKey
	if page.HasCursor() {
		if err := page.After(&after.Name, &after.ID); err != nil {
			return err
		}
	}
	vendors, err := h.svc.Vendors(c.Context(), VendorFilter{Query: c.Query("q")}, after, page.Limit)
	if err != nil {
		return err
	}
	return c.JSON(httpapi.NewPage(vendors, page.Limit, func(v Vendor) []any { return []any{v.Name, v.ID} }))
}
