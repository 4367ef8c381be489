package licensing

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// cacheTTL bounds how long a licence change takes to reach every request.
const cacheTTL = 10 * time.Second

// Service applies licences and answers feature questions.
type Service struct {
	db  *database.DB
	now func() time.Time

	mu    sync.Mutex
	cache map[uuid.UUID]cached
}

type cached struct {
	license *License
	at      time.Time
}

// NewService wires the service. clock tells the time licences are judged
// at (expiry, grace); nil means the wall clock. Tests pass their own to
// cross expiry without waiting.
func NewService(db *database.DB, clock func() time.Time) *Service {
	if clock == nil {
		clock = time.Now
	}
	return &Service{db: db, now: clock, cache: map[uuid.UUID]cached{}}
}

// Apply stores l as the licence of the tenant on ctx (a system principal for
// that tenant), activates a pending tenant, and audits the change. source
// names where it came from ("cli:dev", "test").
func (s *Service) Apply(ctx context.Context, l License, source string) error {
	if err := l.Validate(); err != nil {
		return err
	}
	return s.inTenant(ctx, func(tx *database.Tx) error {
		return s.store(ctx, tx, l, source, nil)
	})
}

// inTenant runs fn for the tenant on ctx and forgets its cached licence
// once the change is committed.
func (s *Service) inTenant(ctx context.Context, fn func(tx *database.Tx) error) error {
	var tenantID uuid.UUID
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		tenantID = tx.TenantID()
		return fn(tx)
	})
	if err == nil {
		s.forget(tenantID)
	}
	return err
}

// setStatus changes only the tenant's status, as the management plane
// decided, and audits it.
func (s *Service) setStatus(ctx context.Context, tx *database.Tx, status, source string) error {
	if _, err := tx.Exec(ctx, `UPDATE tenants SET status = $2, updated_at = now() WHERE id = $1 AND status <> $2`,
		tx.TenantID(), status); err != nil {
		return err
	}
	return audit.Write(ctx, tx, audit.Record{Action: "tenant.status", ResourceType: "tenant", ResourceID: tx.TenantID().String(),
		Summary: "Status " + status + " from " + source})
}

// store saves the licence and either sets the tenant's status (a push from
// the management plane decides it) or activates a pending tenant, and
// audits the change.
func (s *Service) store(ctx context.Context, tx *database.Tx, l License, source string, status *string) error {
	before, err := loadLicense(ctx, tx)
	if err != nil {
		return err
	}
	if err := saveLicense(ctx, tx, l, source); err != nil {
		return err
	}
	summary := fmt.Sprintf("Licence %s applied from %s", l.Plan, source)
	if status != nil {
		if _, err := tx.Exec(ctx, `UPDATE tenants SET status = $2, updated_at = now() WHERE id = $1 AND status <> $2`,
			tx.TenantID(), *status); err != nil {
			return err
		}
		summary += "; status " + *status
	} else {
		activated, err := activatePending(ctx, tx)
		if err != nil {
			return err
		}
		if activated {
			summary += "; tenant activated"
		}
	}
	return audit.Write(ctx, tx, audit.Record{
		Action: "licence.apply", ResourceType: "tenant", ResourceID: tx.TenantID().String(), Summary: summary,
		Changes: map[string]audit.Change{"licence": {Before: before, After: l}},
	})
}

// Current returns the licence of the tenant on ctx (nil when none), cached
// briefly.
func (s *Service) Current(ctx context.Context) (*License, error) {
	p, ok := auth.PrincipalFrom(ctx)
	if !ok {
		return nil, database.ErrNoTenant
	}
	tenantID := p.TenantID
	s.mu.Lock()
	c, ok := s.cache[tenantID]
	s.mu.Unlock()
	if ok && s.now().Sub(c.at) < cacheTTL {
		return c.license, nil
	}
	var l *License
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		var err error
		l, err = loadLicense(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.cache[tenantID] = cached{license: l, at: s.now()}
	s.mu.Unlock()
	return l, nil
}

// State tells where the licence of the tenant on ctx stands now.
func (s *Service) State(ctx context.Context) (State, error) {
	l, err := s.Current(ctx)
	if err != nil {
		return "", err
	}
	return l.StateAt(s.now()), nil
}

// Enabled reports the optional modules switched on now for the tenant on ctx.
func (s *Service) Enabled(ctx context.Context) (map[rbac.Feature]bool, error) {
	l, err := s.Current(ctx)
	if err != nil {
		return nil, err
	}
	return l.Enabled(s.now()), nil
}

func (s *Service) forget(tenantID uuid.UUID) {
	s.mu.Lock()
	delete(s.cache, tenantID)
	s.mu.Unlock()
}
