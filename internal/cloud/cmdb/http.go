package cmdb

import (
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// Handler serves the CMDB's routes.
type Handler struct {
	svc *Service
}

// NewHandler wires the routes to svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// Routes registers every CMDB endpoint on s, one feature at a time.
func (h *Handler) Routes(s *httpapi.Server) {
	h.importRoutes(s) // before assetRoutes: /assets/import/* ahead of /assets/:id
	h.siteRoutes(s)
	h.zoneRoutes(s)
	h.vlanRoutes(s)
	h.vendorRoutes(s)
	h.assetRoutes(s)
	h.relationshipRoutes(s)
	h.summaryRoutes(s)
	h.discoveryRoutes(s)
	h.driftRoutes(s)
}
