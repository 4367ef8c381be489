package identity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/cloud/tenancy"
	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// Config holds identity's settings.
type Config struct {
	Passwords  *auth.Passwords
	Signer     *auth.Signer
	Sealer     *auth.Sealer // TOTP secrets at rest
	RefreshTTL time.Duration
	MFAIssuer  string
	// Tickets seals WebSocket tickets (TicketSealerPurpose), valid for
	// TicketTTL (DefaultTicketTTL when zero).
	Tickets   *auth.Sealer
	TicketTTL time.Duration
}

// Service is identity's use cases.
type Service struct {
	db       *database.DB
	licences *licensing.Service
	cfg      Config
	mailing  Mailing
	reporter RegistrationReporter
	now      func() time.Time
	perms    *permissionCache
}

// RegistrationReporter tells the management plane about a self-registration,
// inside the registration's transaction (it enqueues a job).
type RegistrationReporter interface {
	ReportRegistration(ctx context.Context, tx *database.Tx) error
}

// NewService wires the service. reporter may be nil when no management
// plane is configured.
func NewService(db *database.DB, licences *licensing.Service, cfg Config, mailing Mailing, reporter RegistrationReporter) *Service {
	return &Service{db: db, licences: licences, cfg: cfg, mailing: mailing, reporter: reporter, now: time.Now,
		perms: newPermissionCache(permissionCacheTTL)}
}

// Registration is a self-service sign-up: a new pending tenant and its
// first admin.
type Registration struct {
	AccountName      string `json:"account_name"`
	OrganizationName string `json:"organization_name"`
	Email            string `json:"email"`
	Password         string `json:"password"`
	DisplayName      string `json:"display_name"`
}

// Register creates the tenant (pending until a licence arrives), its
// built-in groups and its first user in the Admin group, in one transaction.
func (s *Service) Register(ctx context.Context, r Registration) (tenancy.Tenant, User, error) {
	var fields []errs.FieldError
	nt := tenancy.NewTenant{AccountName: r.AccountName, DisplayName: r.OrganizationName}
	if err := nt.Validate(); err != nil {
		for _, f := range fieldsOf(err) {
			if f.Field == "display_name" {
				f.Field = "organization_name"
			}
			fields = append(fields, f)
		}
	}
	email, err := NormalizeEmail("email", r.Email)
	fields = append(fields, fieldsOf(err)...)
	name, fe := requireText("display_name", r.DisplayName, 200)
	if fe != nil {
		fields = append(fields, *fe)
	}
	fields = append(fields, fieldsOf(auth.CheckPasswordRules("password", r.Password, r.Email))...)
	if len(fields) > 0 {
		return tenancy.Tenant{}, User{}, errs.Invalid(fields...)
	}
	hash, err := s.cfg.Passwords.Hash(r.Password)
	if err != nil {
		return tenancy.Tenant{}, User{}, err
	}

	tenantID := uuid.New()
	ctx = auth.WithPrincipal(ctx, auth.System(tenantID))
	var t tenancy.Tenant
	var u User
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		var err error
		if t, err = tenancy.Create(ctx, tx, nt); err != nil {
			return err
		}
		adminGroup, err := createBuiltInGroups(ctx, tx)
		if err != nil {
			return err
		}
		if u, err = insertUser(ctx, tx, email, name, UserActive, &hash); err != nil {
			return err
		}
		if err := addMember(ctx, tx, adminGroup, u.ID); err != nil {
			return err
		}
		if s.reporter != nil {
			if err := s.reporter.ReportRegistration(ctx, tx); err != nil {
				return err
			}
		}
		actor := auth.Principal{Kind: auth.KindUser, TenantID: tenantID, ActorID: u.ID}
		return audit.Write(ctx, tx, audit.Record{
			Action: "auth.register", ResourceType: "tenant", ResourceID: tenantID.String(), Actor: &actor, ActorLabel: email,
			Summary: "Organisation " + t.DisplayName + " registered; waiting for a licence",
		})
	})
	return t, u, err
}

// createBuiltInGroups adds Admin and Read only, returning Admin's id.
func createBuiltInGroups(ctx context.Context, tx *database.Tx) (uuid.UUID, error) {
	admin, err := insertGroup(ctx, tx, rbac.AdminGroup, "Every permission.", rbac.AdminGrants(), "admin")
	if err != nil {
		return uuid.Nil, err
	}
	_, err = insertGroup(ctx, tx, rbac.ReadOnlyGroup, "Read everything except VPN, backup and maintenance.", rbac.ReadOnlyGrants(), "read_only")
	return admin, err
}

// fieldsOf extracts field errors from a validation error (nil otherwise).
func fieldsOf(err error) []errs.FieldError {
	var e *errs.Error
	if err == nil || !asError(err, &e) || e.Kind != errs.KindValidation {
		return nil
	}
	return e.Fields
}

// User returns a user of the tenant on ctx.
func (s *Service) User(ctx context.Context, id uuid.UUID) (User, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (User, error) {
		return userByID(ctx, tx, id)
	})
}
