package tenancy

import (
	"context"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Service is the tenant registry's use cases.
type Service struct {
	db       *database.DB
	platform *database.Platform
}

// NewService wires the service. platform may be nil in processes that never
// provision tenants; Provision then reports an internal error.
func NewService(db *database.DB, platform *database.Platform) *Service {
	return &Service{db: db, platform: platform}
}

// Provision creates a pending tenant with default settings. actor names who
// asked, for the platform audit trail ("operator:<id>", "cli:dev").
func (s *Service) Provision(ctx context.Context, actor string, n NewTenant) (Tenant, error) {
	if err := n.Validate(); err != nil {
		return Tenant{}, err
	}
	if s.platform == nil {
		return Tenant{}, errs.New(errs.KindInternal, "tenant provisioning needs DATABASE_PLATFORM_URL")
	}
	var t Tenant
	op := database.Operation{Name: "tenancy.provision", Actor: actor, Detail: "account " + n.AccountName}
	err := s.platform.InPlatform(ctx, op, func(tx *database.Tx) error {
		var err error
		t, err = insertTenant(ctx, tx, uuid.New(), n)
		return err
	})
	return t, accountNameTaken(err)
}

// Create inserts a pending tenant inside the brand-new tenant's own
// transaction (tx.TenantID() is its id; the tenants policy checks it). It is
// how registration creates the tenant and its first admin atomically.
func Create(ctx context.Context, tx *database.Tx, n NewTenant) (Tenant, error) {
	if err := n.Validate(); err != nil {
		return Tenant{}, err
	}
	t, err := insertTenant(ctx, tx, tx.TenantID(), n)
	return t, accountNameTaken(err)
}

func accountNameTaken(err error) error {
	if errs.Is(err, errs.KindConflict) {
		return errs.Invalid(errs.Field("account_name", "taken", "is already in use"))
	}
	return err
}

// FindByAccountName looks a tenant up across tenants (platform role).
func (s *Service) FindByAccountName(ctx context.Context, actor, name string) (Tenant, error) {
	if s.platform == nil {
		return Tenant{}, errs.New(errs.KindInternal, "tenant lookup needs DATABASE_PLATFORM_URL")
	}
	var t Tenant
	op := database.Operation{Name: "tenancy.find", Actor: actor, Detail: "account " + name}
	err := s.platform.InPlatform(ctx, op, func(tx *database.Tx) error {
		var err error
		t, err = tenantByAccountName(ctx, tx, name)
		return err
	})
	return t, err
}

// Current returns the tenant of the principal on ctx.
func (s *Service) Current(ctx context.Context) (Tenant, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Tenant, error) {
		return tenantByID(ctx, tx, tx.TenantID())
	})
}

// CurrentSettings returns the settings of the principal's tenant.
func (s *Service) CurrentSettings(ctx context.Context) (Settings, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Settings, error) {
		return settingsOf(ctx, tx)
	})
}
