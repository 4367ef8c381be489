package tenancy

import (
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// Routes registers the tenant settings endpoints.
func (s *Service) Routes(srv *httpapi.Server) {
	tags := []string{"settings"}
	srv.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/settings/tenant", Permission: httpapi.Authenticated, Tags: tags,
		Summary: "Organisation settings: name, time zone, sign-in policies, retention", Response: TenantSettings{},
		Handler: func(c fiber.Ctx) error {
			out, err := s.Settings(c.Context())
			if err != nil {
				return err
			}
			return c.JSON(out)
		}})
	srv.Handle(httpapi.Route{Method: http.MethodPatch, Path: "/api/v1/settings/tenant", Permission: "settings.tenant.manage", Tags: tags,
		Summary:     "Change organisation settings (send the version you read)",
		Description: "Sign-in policies also need settings.auth.manage; retention needs settings.retention.manage.",
		Request:     SettingsPatch{}, Response: TenantSettings{},
		Handler: func(c fiber.Ctx) error {
			var p SettingsPatch
			if err := httpapi.DecodeJSON(c, &p); err != nil {
				return err
			}
			policies, retention := p.Touches()
			if policies && !httpapi.Allowed(c, "settings.auth.manage") {
				return errs.New(errs.KindPermissionDenied, "Changing sign-in policies needs the permission settings.auth.manage.")
			}
			if retention && !httpapi.Allowed(c, "settings.retention.manage") {
				return errs.New(errs.KindPermissionDenied, "Changing retention needs the permission settings.retention.manage.")
			}
			out, err := s.UpdateSettings(c.Context(), p)
			if err != nil {
				return err
			}
			return c.JSON(out)
		}})
}
