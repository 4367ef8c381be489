package cmdb

import (
	"encoding/json"
	"net/http"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

const sitesPath = "/api/v1/sites"

// The permissions of sites, zones and VLANs alike (spec 00-overview).
const (
	sitesRead   = "sites.read"
	sitesCreate = "sites.create"
	sitesUpdate = "sites.update"
	sitesDelete = "sites.delete"
)

// SiteQuery documents the filters of the site list.
type SiteQuery struct {
	httpapi.PageQuery
	Status string `query:"status" enum:"planned active decommissioned" doc:"only sites in this state"`
	Q      string `query:"q" doc:"part of the name or code, any case"`
}

func (h *Handler) siteRoutes(s *httpapi.Server) {
	tags := []string{"cmdb"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: sitesPath, Permission: sitesRead, Tags: tags,
		Summary:     "List sites in name order, with their counts",
		Description: "Each site carries the number of its zones, VLANs (of its zones), assets and edge devices.",
		Query:       SiteQuery{}, Response: httpapi.Page[Site]{}, Handler: h.listSites})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: sitesPath, Permission: sitesCreate, Tags: tags, Idempotent: true,
		Summary:     "Create a site",
		Description: "The name, and the code when set, are unique in the organisation, in any case (422 taken).",
		Request:     NewSite{}, Response: Site{}, Status: http.StatusCreated, Handler: h.createSite})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: sitesPath + "/:id", Permission: sitesRead, Tags: tags,
		Summary: "A site with its counts", Response: Site{}, Handler: h.getSite})
	s.Handle(httpapi.Route{Method: http.MethodPatch, Path: sitesPath + "/:id", Permission: sitesUpdate, Tags: tags,
		Summary:     "Change a site",
		Description: "Only the fields sent change; null clears a field. A stale version answers 409 version_conflict.",
		Request:     SitePatch{}, Response: Site{}, Handler: h.updateSite})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: sitesPath + "/:id", Permission: sitesDelete, Tags: tags,
		Summary: "Delete a site with its zones and VLANs",
		Description: "Refused with 409 has_dependants while assets or diagrams belong to the site; " +
			"the problem's errors list each kind with its count.",
		Status: http.StatusNoContent, Handler: h.deleteSite})
}

func (h *Handler) listSites(c fiber.Ctx) error {
	page, err := httpapi.ParsePage(c)
	if err != nil {
		return err
	}
	var after siteKey
	if page.HasCursor() {
		if err := page.After(&after.Name, &after.ID); err != nil {
			return err
		}
	}
	filter := SiteFilter{Status: c.Query("status"), Query: c.Query("q")}
	sites, err := h.svc.Sites(c.Context(), filter, after, page.Limit)
	if err != nil {
		return err
	}
	return c.JSON(httpapi.NewPage(sites, page.Limit, func(s Site) []any { return []any{s.Name, s.ID} }))
}

func (h *Handler) createSite(c fiber.Ctx) error {
	var n NewSite
	if err := httpapi.DecodeJSON(c, &n); err != nil {
		return err
	}
	site, err := h.svc.CreateSite(c.Context(), n)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(site)
}

func (h *Handler) getSite(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "site")
	if err != nil {
		return err
	}
	site, err := h.svc.Site(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(site)
}

func (h *Handler) updateSite(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "site")
	if err != nil {
		return err
	}
	var p SitePatch
	if err := httpapi.DecodeJSON(c, &p); err != nil {
		return err
	}
	p.nulls = hierNullFields(c.Body())
	site, err := h.svc.UpdateSite(c.Context(), id, p)
	if err != nil {
		return err
	}
	return c.JSON(site)
}

func (h *Handler) deleteSite(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "site")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteSite(c.Context(), id); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

// hierDecodeError turns the decoder's answer to a malformed id in one of
// idFields (which names no field: the id type rejects it before the
// decoder knows where it is) into a field error; other errors pass as
// they are.
func hierDecodeError(body []byte, err error, idFields ...string) error {
	if !errs.Is(err, errs.KindBadRequest) {
		return err
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) != nil {
		return err
	}
	for _, f := range idFields {
		v, ok := raw[f]
		if !ok || string(v) == "null" {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			continue // not a string: the decoder already named the field
		}
		if _, perr := uuid.Parse(s); perr != nil {
			return errs.Invalid(errs.Field(f, "invalid", "must be an id (UUID), or null for none"))
		}
	}
	return err
}
