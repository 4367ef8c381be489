package identity

import (
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/rbac"
)

const permissionsPath = "/api/v1/settings/permissions"

// permissionRoutes serves the permission catalogue to the group editor, which
// needs every key's area and module to lay out its grid.
func (h *Handler) permissionRoutes(s *httpapi.Server) {
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: permissionsPath, Permission: "settings.groups.manage", Tags: []string{"settings"},
		Summary:     "The permission catalogue: every key with its area and optional module, in display order",
		Description: "The same for every organisation; a group may still grant only keys you hold yourself.",
		Response:    []rbac.Permission{}, Handler: listPermissions})
}

func listPermissions(c fiber.Ctx) error { return c.JSON(rbac.Catalogue()) }
