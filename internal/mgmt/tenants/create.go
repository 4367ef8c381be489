package tenants

import (
	"context"
	"net/http"
	"net/mail"
	"strings"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/mgmt/cloudlink"
	"github.com/monozu/monozu/internal/mgmt/operators"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// Provisioner creates an organisation in the Cloud (cloudlink.Client).
type Provisioner interface {
	Provision(ctx context.Context, p cloudlink.Provisioning) (cloudlink.Provisioned, error)
}

// NewTenant is an operator-created organisation; its first admin (the
// contact) is invited by e-mail by the Cloud.
type NewTenant struct {
	AccountName      string `json:"account_name"`
	OrganizationName string `json:"organization_name"`
	ContactName      string `json:"contact_name"`
	ContactEmail     string `json:"contact_email"`
}

func (n *NewTenant) validate() error {
	n.AccountName = strings.TrimSpace(n.AccountName)
	n.OrganizationName = strings.TrimSpace(n.OrganizationName)
	n.ContactName = strings.TrimSpace(n.ContactName)
	n.ContactEmail = strings.ToLower(strings.TrimSpace(n.ContactEmail))
	var fields []errs.FieldError
	if !accountName.MatchString(n.AccountName) {
		fields = append(fields, errs.Field("account_name", "invalid",
			"use 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"))
	}
	if n.OrganizationName == "" || len(n.OrganizationName) > 200 {
		fields = append(fields, errs.Field("organization_name", "invalid", "must be 1-200 characters"))
	}
	if len(n.ContactName) > 200 {
		fields = append(fields, errs.Field("contact_name", "invalid", "must be at most 200 characters"))
	}
	if a, err := mail.ParseAddress(n.ContactEmail); err != nil || a.Address != n.ContactEmail {
		fields = append(fields, errs.Field("contact_email", "invalid", "must be the first admin's e-mail address"))
	}
	if len(fields) > 0 {
		return errs.Invalid(fields...)
	}
	return nil
}

// Create provisions the organisation in the Cloud first (pending, its first
// admin invited), then records it here. The Cloud tenant id is chosen here,
// so the Cloud's side is idempotent if the recording has to be retried.
func (s *Service) Create(ctx context.Context, n NewTenant) (Detail, error) {
	if err := n.validate(); err != nil {
		return Detail{}, err
	}
	var taken bool
	if err := s.db.ReadGlobal(ctx, func(tx *database.Tx) error {
		return tx.Get(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM tenants WHERE account_name = $1)`, n.AccountName)
	}); err != nil {
		return Detail{}, err
	}
	if taken {
		return Detail{}, errAccountTaken
	}
	cloudID := uuid.New()
	if _, err := s.provisioner.Provision(ctx, cloudlink.Provisioning{TenantID: cloudID, AccountName: n.AccountName,
		OrganizationName: n.OrganizationName, AdminEmail: n.ContactEmail}); err != nil {
		return Detail{}, err
	}
	var d Detail
	err := s.db.InGlobal(ctx, func(tx *database.Tx) error {
		var t Tenant
		err := tx.Get(ctx, &t, `INSERT INTO tenants (cloud_tenant_id, account_name, organization_name, contact_name, contact_email,
				status, source) VALUES ($1, $2, $3, $4, $5, 'pending', 'operator') RETURNING `+tenantColumns,
			cloudID, n.AccountName, n.OrganizationName, n.ContactName, n.ContactEmail)
		if errs.Is(err, errs.KindConflict) {
			return errAccountTaken
		}
		if err != nil {
			return err
		}
		if d, err = detailOf(ctx, tx, t); err != nil {
			return err
		}
		return writeAudit(ctx, tx, auditRecord{Action: "tenants.create", Tenant: t.ID,
			Summary: "Organisation " + n.OrganizationName + " created; " + n.ContactEmail + " invited as its first admin",
			Changes: map[string]change{"tenant": {After: t}}})
	})
	return d, err
}

func (s *Service) createRoute(srv *httpapi.Server) {
	srv.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/tenants", Permission: operators.PermWrite, Tags: []string{"tenants"},
		Summary:     "Create an organisation in the Cloud; its contact is invited as the first admin",
		Description: "The organisation stays pending until a licence is assigned (PUT /api/v1/tenants/{id}/license).",
		Request:     NewTenant{}, Response: Detail{}, Status: http.StatusCreated,
		Handler: func(c fiber.Ctx) error {
			var n NewTenant
			if err := httpapi.DecodeJSON(c, &n); err != nil {
				return err
			}
			d, err := s.Create(c.Context(), n)
			if err != nil {
				return err
			}
			return c.Status(http.StatusCreated).JSON(d)
		}})
}
