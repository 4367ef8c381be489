package diagrams

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

const diagramsPath = "/api/v1/diagrams"

// Query documents the filters of the diagram list.
type Query struct {
	httpapi.PageQuery
	SiteID string `query:"site_id" doc:"only the diagrams of this site"`
	Q      string `query:"q" doc:"part of the name, any case"`
}

// Handler serves the diagram routes.
type Handler struct {
	svc *Service
}

// NewHandler wires the routes to svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// Routes registers the diagram endpoints.
func (h *Handler) Routes(s *httpapi.Server) {
	tags := []string{"diagrams"}
	const read, create, update, del = "diagrams.read", "diagrams.create", "diagrams.update", "diagrams.delete"
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: diagramsPath, Permission: read, Tags: tags,
		Summary: "List diagrams in name order, without their canvas", Query: Query{},
		Response: httpapi.Page[DiagramSummary]{}, Handler: h.list})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: diagramsPath, Permission: create, Tags: tags, Idempotent: true,
		Summary: "Create a diagram of a site, empty, with a canvas, or generated from a preset",
		Description: "preset full_stack draws site → zones → VLANs → assets, cmdb_only VLANs and assets (assets without a VLAN hang off the site); " +
			"a site with more than 5,000 records to draw is refused (422 too_many_nodes). The assets the canvas draws are linked to the diagram.",
		Request: NewDiagram{}, Response: Diagram{}, Status: http.StatusCreated, BodyLimit: maxBodyBytes, Handler: httpapi.Create(h.svc.Create)})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: diagramsPath + "/:id", Permission: read, Tags: tags,
		Summary:     "A diagram with its canvas and its unlinked nodes",
		Description: "unlinked_nodes lists the inventory nodes whose site, zone, VLAN or asset no longer exists.",
		Response:    Diagram{}, Handler: httpapi.ByID("diagram", h.svc.Get)})
	s.Handle(httpapi.Route{Method: http.MethodPatch, Path: diagramsPath + "/:id", Permission: update, Tags: tags,
		Summary:     "Rename a diagram or change its description",
		Description: "A diagram stays on its site (422 immutable for another site_id). A stale version answers 409 version_conflict.",
		Request:     DiagramPatch{}, Response: Diagram{}, Handler: httpapi.ByIDWithBody("diagram", h.svc.Update)})
	s.Handle(httpapi.Route{Method: http.MethodPut, Path: diagramsPath + "/:id/content", Permission: update, Tags: tags,
		Summary: "Save a diagram's canvas at the version read",
		Description: "A stale version answers 409 version_conflict naming the current version. On success the version grows by one and " +
			"the diagram's asset links are rewritten from its asset nodes (nodes of deleted assets are kept and reported as unlinked). " +
			"The canvas may hold 5,000 nodes, 10,000 edges and 2 MiB of JSON.",
		Request: DiagramContentUpdate{}, Response: Diagram{}, BodyLimit: maxBodyBytes, Handler: httpapi.ByIDWithBody("diagram", h.svc.SaveContent)})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: diagramsPath + "/:id", Permission: del, Tags: tags,
		Summary: "Delete a diagram", Status: http.StatusNoContent, Handler: httpapi.NoContentByID("diagram", h.svc.Delete)})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: diagramsPath + "/:id/generate", Permission: update, Tags: tags,
		Summary: "Import hierarchy: generate a preset canvas of the diagram's site without saving it",
		Description: "Answers nodes and edges laid out in rows (full_stack: site → zones → VLANs → assets; cmdb_only: VLANs + assets, " +
			"assets without a VLAN under the site). Node ids are <kind>-<record id>, so the editor merges them into its canvas by id " +
			"and saves with PUT /content. Nothing is stored.",
		Request: DiagramGenerateRequest{}, Response: Canvas{}, Handler: httpapi.ByIDWithBody("diagram", h.generate)})
}

func (h *Handler) list(c fiber.Ctx) error {
	page, err := httpapi.ParsePage(c)
	if err != nil {
		return err
	}
	var after listKey
	if page.HasCursor() {
		if err := page.After(&after.Name, &after.ID); err != nil {
			return err
		}
	}
	f := Filter{Query: c.Query("q")}
	if raw := c.Query("site_id"); raw != "" {
		id, err := uuid.Parse(raw)
		if err != nil {
			return errs.Invalid(errs.Field("site_id", "invalid", "must be a UUID"))
		}
		f.SiteID = &id
	}
	rows, err := h.svc.List(c.Context(), f, after, page.Limit)
	if err != nil {
		return err
	}
	return c.JSON(httpapi.NewPage(rows, page.Limit, func(d DiagramSummary) []any { return []any{d.Name, d.ID} }))
}

// generate takes the preset of POST /diagrams/:id/generate from its body.
func (h *Handler) generate(ctx context.Context, id uuid.UUID, r DiagramGenerateRequest) (Canvas, error) {
	return h.svc.Generate(ctx, id, r.Preset)
}
