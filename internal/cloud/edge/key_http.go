package edge

import (
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

const (
	keysPath       = "/api/v1/edge/keys"
	keysPermission = "settings.edge_registration_keys.manage"
)

func (h *Handler) keyRoutes(s *httpapi.Server) {
	tags := []string{"edge"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: keysPath, Permission: keysPermission, Tags: tags,
		Summary:     "List registration keys, newest first",
		Description: "Each key shows its prefix (never the key), site, uses, expiry, last use and status.",
		Query:       httpapi.PageQuery{}, Response: httpapi.Page[RegistrationKey]{}, Handler: h.listKeys})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: keysPath, Permission: keysPermission, Tags: tags, Idempotent: true,
		Summary: "Make a registration key",
		Description: "The answer carries the key (prov_…) this once; it is stored hashed. A retry with the same " +
			"Idempotency-Key within 24 hours gets the same answer, key included.",
		Request: NewKey{}, Response: CreatedKey{}, Status: http.StatusCreated, Handler: httpapi.Create(h.svc.CreateKey)})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: keysPath + "/:id", Permission: keysPermission, Tags: tags,
		Summary: "A registration key", Response: RegistrationKey{}, Handler: httpapi.ByID("registration key", h.svc.Key)})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: keysPath + "/:id", Permission: keysPermission, Tags: tags,
		Summary: "Revoke a registration key",
		Description: "The key registers nothing more; it stays listed as revoked. Devices it registered keep working. " +
			"Revoking a revoked key answers 204 again.",
		Status: http.StatusNoContent, Handler: httpapi.NoContentByID("registration key", h.svc.RevokeKey)})
}

func (h *Handler) listKeys(c fiber.Ctx) error {
	return httpapi.KeysetList(c, nil,
		func(k *keyCursor) []any { return []any{&k.CreatedAt, &k.ID} },
		func(after *keyCursor, limit int) ([]RegistrationKey, error) {
			return h.svc.Keys(c.Context(), after, limit)
		},
		func(k RegistrationKey) []any { return []any{k.CreatedAt, k.ID} })
}
