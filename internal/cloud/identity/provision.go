package identity

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/tenancy"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// ProvisionRequest is an operator-created organisation (spec
// 20-management: the management plane asks the Cloud to provision it).
type ProvisionRequest struct {
	// TenantID is chosen by the management plane, so a retried request finds
	// the organisation it already created.
	TenantID         uuid.UUID `json:"tenant_id"`
	AccountName      string    `json:"account_name"`
	OrganizationName string    `json:"organization_name"`
	AdminEmail       string    `json:"admin_email"`
}

// ProvisionResponse tells the management plane what exists now.
type ProvisionResponse struct {
	TenantID uuid.UUID      `json:"tenant_id"`
	Status   tenancy.Status `json:"status"`
	Created  bool           `json:"created"`
}

// Provision creates a pending organisation whose first admin is invited by
// e-mail. Repeating it with the same tenant id answers what exists.
func (s *Service) Provision(ctx context.Context, r ProvisionRequest) (ProvisionResponse, error) {
	if r.TenantID == uuid.Nil {
		return ProvisionResponse{}, errs.Invalid(errs.Field("tenant_id", "required", "is required"))
	}
	nt := tenancy.NewTenant{AccountName: r.AccountName, DisplayName: r.OrganizationName}
	if err := nt.Validate(); err != nil {
		return ProvisionResponse{}, err
	}
	email, err := NormalizeEmail("admin_email", r.AdminEmail)
	if err != nil {
		return ProvisionResponse{}, err
	}
	ctx = auth.WithPrincipal(ctx, auth.System(r.TenantID))
	var out ProvisionResponse
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		var existing struct {
			AccountName string         `db:"account_name"`
			Status      tenancy.Status `db:"status"`
		}
		err := tx.Get(ctx, &existing, `SELECT account_name, status FROM tenants WHERE id = $1`, r.TenantID)
		if err == nil {
			if existing.AccountName != nt.AccountName {
				return errs.New(errs.KindConflict, "This tenant id belongs to another account.").WithCode("tenant_id_taken")
			}
			out = ProvisionResponse{TenantID: r.TenantID, Status: existing.Status}
			return nil
		}
		if !errs.Is(err, errs.KindNotFound) {
			return err
		}
		t, err := tenancy.Create(ctx, tx, nt)
		if err != nil {
			return err
		}
		admin, err := createBuiltInGroups(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := s.inviteIn(ctx, tx, email, []uuid.UUID{admin}, uuid.Nil); err != nil {
			return err
		}
		out = ProvisionResponse{TenantID: t.ID, Status: t.Status, Created: true}
		return nil
	})
	return out, err
}

// InternalRoutes serves the management plane's machine-to-machine calls,
// authenticated by CLOUD_INTERNAL_API_TOKEN (compared in constant time).
func (h *Handler) InternalRoutes(s *httpapi.Server, token string) {
	limit := httpapi.RateLimiter(httpapi.RateLimit{Max: h.cfg.CredentialRateLimit, Window: time.Minute})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/internal/v1/tenants", Public: true, Tags: []string{"internal"},
		Summary:     "Provision an operator-created organisation; its first admin is invited by e-mail",
		Description: "Authorization: Bearer CLOUD_INTERNAL_API_TOKEN. Idempotent per tenant_id.",
		Middleware:  []fiber.Handler{limit, machineToken(token)},
		Request:     ProvisionRequest{}, Response: ProvisionResponse{}, Status: http.StatusCreated,
		Handler: func(c fiber.Ctx) error {
			var r ProvisionRequest
			if err := httpapi.DecodeJSON(c, &r); err != nil {
				return err
			}
			out, err := h.svc.Provision(c.Context(), r)
			if err != nil {
				return err
			}
			status := http.StatusOK
			if out.Created {
				status = http.StatusCreated
			}
			return c.Status(status).JSON(out)
		}})
}

// machineToken refuses requests without the shared bearer token.
func machineToken(token string) fiber.Handler {
	return func(c fiber.Ctx) error {
		given, ok := httpapi.BearerToken(c)
		if !ok || !auth.Equal(given, token) {
			return errs.New(errs.KindUnauthenticated, "A valid machine token is required.").WithCode("invalid_token")
		}
		return c.Next()
	}
}
