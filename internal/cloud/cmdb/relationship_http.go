package cmdb

import (
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

// Relationships is the body of GET /assets/{id}/relationships.
type Relationships struct {
	Items []Relationship `json:"items"`
}

func (h *Handler) relationshipRoutes(s *httpapi.Server) {
	tags := []string{"cmdb"}
	path := assetsPath + "/:id/relationships"
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: path, Permission: "assets.read", Tags: tags,
		Summary: "An asset's relationships, both ways", Response: Relationships{}, Handler: h.listRelationships})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: path, Permission: "assets.update", Tags: tags,
		Summary:     "Relate the asset to another",
		Description: "The asset in the path is the source. No self-loops; a duplicate (for connected_to also the reverse) answers 409 relationship_exists.",
		Request:     NewRelationship{}, Response: Relationship{}, Status: http.StatusCreated, Idempotent: true, Handler: h.relate})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: path + "/:relationship_id", Permission: "assets.update", Tags: tags,
		Summary: "Remove a relationship of the asset", Status: http.StatusNoContent, Handler: h.unrelate})
}

func (h *Handler) listRelationships(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "asset")
	if err != nil {
		return err
	}
	items, err := h.svc.Relationships(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(Relationships{Items: items})
}

func (h *Handler) relate(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "asset")
	if err != nil {
		return err
	}
	var n NewRelationship
	if err := httpapi.DecodeJSON(c, &n); err != nil {
		return err
	}
	r, err := h.svc.Relate(c.Context(), id, n)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(r)
}

func (h *Handler) unrelate(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "asset")
	if err != nil {
		return err
	}
	relID, err := httpapi.PathID(c, "relationship_id", "relationship")
	if err != nil {
		return err
	}
	if err := h.svc.Unrelate(c.Context(), id, relID); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}
