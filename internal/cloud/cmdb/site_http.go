package cmdb

import (
	"context"
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
		Request:     NewSite{}, Response: Site{}, Status: http.StatusCreated, Handler: httpapi.Create(h.svc.CreateSite)})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: sitesPath + "/:id", Permission: sitesRead, Tags: tags,
		Summary: "A site with its counts", Response: Site{}, Handler: httpapi.ByID("site", h.svc.Site)})
	s.Handle(httpapi.Route{Method: http.MethodPatch, Path: sitesPath + "/:id", Permission: sitesUpdate, Tags: tags,
		Summary:     "Change a site",
		Description: "Only the fields sent change; null clears a field. A stale version answers 409 version_conflict.",
		Request:     SitePatch{}, Response: Site{}, Handler: hierUpdate("site", h.svc.UpdateSite)})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: sitesPath + "/:id", Permission: sitesDelete, Tags: tags,
		Summary: "Delete a site with its zones and VLANs",
		Description: "Refused with 409 has_dependants while assets or diagrams belong to the site; " +
			"the problem's errors list each kind with its count.",
		Status: http.StatusNoContent, Handler: httpapi.NoContentByID("site", h.svc.DeleteSite)})
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

// hierPatch is the PATCH body of a site, zone, VLAN or vendor, which keeps
// the fields the body set to null (hierNullFields).
type hierPatch[P any] interface {
	*P
	setNulls(nulls map[string]bool)
}

func (p *SitePatch) setNulls(nulls map[string]bool)   { p.nulls = nulls }
func (p *ZonePatch) setNulls(nulls map[string]bool)   { p.nulls = nulls }
func (p *VLANPatch) setNulls(nulls map[string]bool)   { p.nulls = nulls }
func (p *VendorPatch) setNulls(nulls map[string]bool) { p.nulls = nulls }

// hierUpdate is the handler of PATCH /sites/:id and its kin: as
// httpapi.ByIDWithBody, but it notes the fields sent as null and turns a
// malformed id in one of idFields into a field error (hierDecodeError).
func hierUpdate[P any, PP hierPatch[P], R any](resource string,
	update func(ctx context.Context, id uuid.UUID, p P) (R, error), idFields ...string) fiber.Handler {
	return func(c fiber.Ctx) error {
		id, err := httpapi.PathID(c, "id", resource)
		if err != nil {
			return err
		}
		var p P
		if err := httpapi.DecodeJSON(c, &p); err != nil {
			return hierDecodeError(c.Body(), err, idFields...)
		}
		PP(&p).setNulls(hierNullFields(c.Body()))
		out, err := update(c.Context(), id, p)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}
