package tenants

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/mgmt/deliveries"
	"github.com/monozu/monozu/internal/mgmt/operators"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// ListQuery documents the filters of the tenant list.
type ListQuery struct {
	httpapi.PageQuery
	Status Status `query:"status" enum:"pending active suspended deleted" doc:"only tenants in this status"`
	Q      string `query:"q" doc:"part of the account or organisation name, any case"`
}

// RegistrationQuery documents the filter of the registrations queue.
type RegistrationQuery struct {
	httpapi.PageQuery
	Status Registration `query:"status" enum:"pending approved rejected" doc:"only registrations in this state"`
}

// Routes registers the operators' tenant, licence and registration
// endpoints: reads for every operator, changes for admins.
func (s *Service) Routes(srv *httpapi.Server) {
	tags := []string{"tenants"}
	s.createRoute(srv)
	srv.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/tenants", Permission: operators.PermRead, Tags: tags,
		Summary: "List tenants, newest first", Query: ListQuery{}, Response: httpapi.Page[Tenant]{}, Handler: s.handleList})
	srv.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/tenants/:id", Permission: operators.PermRead, Tags: tags,
		Summary: "A tenant with its licence and licence history", Response: Detail{}, Handler: s.handleGet})
	srv.Handle(httpapi.Route{Method: http.MethodPut, Path: "/api/v1/tenants/:id/license", Permission: operators.PermWrite, Tags: tags,
		Summary: "Assign or replace a tenant's licence and push it to the Cloud",
		Description: "A pending tenant becomes active. Send the licence version you read to guard against concurrent edits " +
			"(409 version_conflict). A deleted tenant answers 409 tenant_deleted.",
		Request: LicenseInput{}, Response: Detail{}, Handler: s.withLicense(s.SetLicense)})
	srv.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/tenants/:id/suspend", Permission: operators.PermWrite, Tags: tags,
		Summary: "Suspend an active tenant (409 tenant_not_active otherwise)", Response: Detail{}, Handler: s.withID(s.Suspend)})
	srv.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/tenants/:id/resume", Permission: operators.PermWrite, Tags: tags,
		Summary:     "Resume a suspended tenant",
		Description: "409 tenant_not_suspended when it is not suspended, 409 license_required when it has no licence.",
		Response:    Detail{}, Handler: s.withID(s.Resume)})
	srv.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/tenants/:id/delete", Permission: operators.PermWrite, Tags: tags,
		Summary: "Delete a tenant; it is purged 30 days later", Response: Detail{}, Handler: s.withID(s.Delete)})

	regs := []string{"registrations"}
	srv.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/registrations", Permission: operators.PermRead, Tags: regs,
		Summary: "Self-registered tenants by registration state, newest first", Query: RegistrationQuery{},
		Response: httpapi.Page[Tenant]{}, Handler: s.handleRegistrations})
	srv.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/registrations/:id/approve", Permission: operators.PermWrite, Tags: regs,
		Summary:     "Approve a waiting registration with its first licence",
		Description: "409 registration_not_pending when it was decided already.",
		Request:     LicenseInput{}, Response: Detail{}, Handler: s.withLicense(s.Approve)})
	srv.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/registrations/:id/reject", Permission: operators.PermWrite, Tags: regs,
		Summary: "Reject a waiting registration; the tenant is deleted in the Cloud too",
		Request: Rejection{}, Response: Detail{}, Handler: s.handleReject})
}

// InternalRoutes registers the Cloud's machine-to-machine endpoints. They
// are public to the router: the shared CLOUD_INTERNAL_API_TOKEN
// authenticates them, under a per-IP rate limit.
func (s *Service) InternalRoutes(srv *httpapi.Server, token string, rateLimit int) {
	mw := []fiber.Handler{httpapi.RateLimiter(httpapi.RateLimit{Max: rateLimit, Window: time.Minute}), machineToken(token)}
	tags := []string{"internal"}
	srv.Handle(httpapi.Route{Method: http.MethodPost, Path: "/internal/v1/tenants/registrations", Public: true, Tags: tags,
		Summary:     "Report a self-registered tenant (the Cloud)",
		Description: "Authorization: Bearer CLOUD_INTERNAL_API_TOKEN. Idempotent per cloud_tenant_id: 201 the first time, 200 after.",
		Middleware:  mw, Request: RegistrationReport{}, Response: Tenant{}, Status: http.StatusCreated, Handler: s.handleRegister})
	srv.Handle(httpapi.Route{Method: http.MethodGet, Path: "/internal/v1/tenants/:cloud_tenant_id/license", Public: true, Tags: tags,
		Summary:     "A tenant's status and licence in the shape of a licence push (the Cloud re-synchronising)",
		Description: "Authorization: Bearer CLOUD_INTERNAL_API_TOKEN. 404 for an unknown Cloud tenant id.",
		Middleware:  mw, Response: deliveries.Payload{}, Handler: s.handleCurrentLicense})
}

// machineToken refuses requests without the shared bearer token. An empty
// configured token refuses everything: BearerToken never yields "".
func machineToken(token string) fiber.Handler {
	return func(c fiber.Ctx) error {
		given, ok := httpapi.BearerToken(c)
		if !ok || !auth.Equal(given, token) {
			return errs.New(errs.KindUnauthenticated, "A valid machine token is required.").WithCode("invalid_token")
		}
		return c.Next()
	}
}

func (s *Service) handleList(c fiber.Ctx) error {
	p, err := httpapi.ParsePage(c)
	if err != nil {
		return err
	}
	f := listFilter{Status: Status(c.Query("status")), Search: c.Query("q")}
	switch f.Status {
	case "", StatusPending, StatusActive, StatusSuspended, StatusDeleted:
	default:
		return errs.Invalid(errs.Field("status", "invalid", "must be pending, active, suspended or deleted"))
	}
	if len(f.Search) > 200 {
		return errs.Invalid(errs.Field("q", "invalid", "must be at most 200 characters"))
	}
	page, err := s.List(c.Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (s *Service) handleRegistrations(c fiber.Ctx) error {
	p, err := httpapi.ParsePage(c)
	if err != nil {
		return err
	}
	f := listFilter{Registrations: true, Registration: Registration(c.Query("status"))}
	switch f.Registration {
	case "", RegistrationPending, RegistrationApproved, RegistrationRejected:
	default:
		return errs.Invalid(errs.Field("status", "invalid", "must be pending, approved or rejected"))
	}
	page, err := s.List(c.Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (s *Service) handleGet(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "tenant")
	if err != nil {
		return err
	}
	d, err := s.Get(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// withID serves a change that takes only the tenant's id.
func (s *Service) withID(do func(context.Context, uuid.UUID) (Detail, error)) fiber.Handler {
	return func(c fiber.Ctx) error {
		id, err := httpapi.PathID(c, "id", "tenant")
		if err != nil {
			return err
		}
		d, err := do(c.Context(), id)
		if err != nil {
			return err
		}
		return c.JSON(d)
	}
}

// withLicense serves a change that takes the tenant's id and a licence.
func (s *Service) withLicense(do func(context.Context, uuid.UUID, LicenseInput) (Detail, error)) fiber.Handler {
	return func(c fiber.Ctx) error {
		id, err := httpapi.PathID(c, "id", "tenant")
		if err != nil {
			return err
		}
		var in LicenseInput
		if err := httpapi.DecodeJSON(c, &in); err != nil {
			return err
		}
		d, err := do(c.Context(), id, in)
		if err != nil {
			return err
		}
		return c.JSON(d)
	}
}

func (s *Service) handleReject(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "tenant")
	if err != nil {
		return err
	}
	var r Rejection
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	d, err := s.Reject(c.Context(), id, r)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Service) handleRegister(c fiber.Ctx) error {
	var r RegistrationReport
	if err := httpapi.DecodeJSON(c, &r); err != nil {
		return err
	}
	t, created, err := s.Register(c.Context(), r)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return c.Status(status).JSON(t)
}

func (s *Service) handleCurrentLicense(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "cloud_tenant_id", "tenant")
	if err != nil {
		return err
	}
	p, err := s.CurrentLicense(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(p)
}
