package tenants

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/mgmt/deliveries"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// Service is the tenant and licence use cases. The management database has
// no tenants of its own: every transaction is global.
type Service struct {
	db          *database.DB
	outbox      *deliveries.Outbox
	provisioner Provisioner
	now         func() time.Time
}

// NewService wires the service to the management database, the outbox
// that carries every change to the Cloud, and the Cloud's provisioning.
func NewService(db *database.DB, outbox *deliveries.Outbox, provisioner Provisioner) *Service {
	return &Service{db: db, outbox: outbox, provisioner: provisioner, now: time.Now}
}

// List returns a page of tenants, newest first.
func (s *Service) List(ctx context.Context, f listFilter, p httpapi.PageRequest) (httpapi.Page[Tenant], error) {
	var after *pageKey
	if p.HasCursor() {
		after = &pageKey{}
		if err := p.After(&after.CreatedAt, &after.ID); err != nil {
			return httpapi.Page[Tenant]{}, err
		}
	}
	var rows []Tenant
	err := s.db.ReadGlobal(ctx, func(tx *database.Tx) error {
		var err error
		rows, err = tenantPage(ctx, tx, f, after, p.Limit)
		return err
	})
	return httpapi.NewPage(rows, p.Limit, func(t Tenant) []any { return []any{t.CreatedAt, t.ID} }), err
}

// Get returns a tenant with its licence and licence history.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (Detail, error) {
	var d Detail
	err := s.db.ReadGlobal(ctx, func(tx *database.Tx) error {
		t, err := tenantByID(ctx, tx, id, false)
		if err != nil {
			return err
		}
		d, err = detailOf(ctx, tx, t)
		return err
	})
	return d, err
}

func detailOf(ctx context.Context, tx *database.Tx, t Tenant) (Detail, error) {
	l, err := licenseOf(ctx, tx, t.ID)
	if err != nil {
		return Detail{}, err
	}
	h, err := historyOf(ctx, tx, t.ID)
	return Detail{Tenant: t, License: l, History: h}, err
}

// transition decides one change of a locked tenant: it may change the
// tenant's state (t) and licence (l) and refuses changes its state forbids.
type transition func(tx *database.Tx, t *Tenant, l **License, now time.Time) error

// apply runs one operator change of a tenant in a single transaction: the
// tenant row is locked so concurrent changes queue up, and the new state,
// the history entry, the push to the Cloud and the audit record commit
// together or not at all.
func (s *Service) apply(ctx context.Context, id uuid.UUID, action, verb string, extra map[string]change, decide transition) (Detail, error) {
	now := s.now().UTC()
	var d Detail
	err := s.db.InGlobal(ctx, func(tx *database.Tx) error {
		before, err := tenantByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		beforeLicense, err := licenseOf(ctx, tx, id)
		if err != nil {
			return err
		}
		after, afterLicense := before, beforeLicense
		if err := decide(tx, &after, &afterLicense, now); err != nil {
			return err
		}
		if after, err = updateState(ctx, tx, after, now); err != nil {
			return err
		}
		if err := insertHistory(ctx, tx, after, afterLicense, actorID(ctx), now); err != nil {
			return err
		}
		if _, err := s.outbox.Enqueue(ctx, tx, after.ID, payload(after, afterLicense)); err != nil {
			return err
		}
		changes := stateChanges(before, after)
		if afterLicense != beforeLicense {
			changes["license"] = change{Before: beforeLicense, After: afterLicense}
		}
		for k, v := range extra {
			changes[k] = v
		}
		if err := writeAudit(ctx, tx, auditRecord{Action: action, Tenant: id, Changes: changes,
			Summary: verb + " tenant " + before.AccountName}); err != nil {
			return err
		}
		d, err = detailOf(ctx, tx, after)
		return err
	})
	return d, err
}

// stateChanges lists the tenant fields a change moved, for the audit log.
func stateChanges(before, after Tenant) map[string]change {
	changes := map[string]change{}
	if before.Status != after.Status {
		changes["status"] = change{Before: before.Status, After: after.Status}
	}
	if registrationOf(before) != registrationOf(after) {
		changes["registration"] = change{Before: before.Registration, After: after.Registration}
	}
	if (before.DeletionScheduledAt == nil) != (after.DeletionScheduledAt == nil) {
		changes["deletion_scheduled_at"] = change{Before: before.DeletionScheduledAt, After: after.DeletionScheduledAt}
	}
	return changes
}

func registrationOf(t Tenant) Registration {
	if t.Registration == nil {
		return ""
	}
	return *t.Registration
}

func registration(r Registration) *Registration { return &r }

// SetLicense assigns or replaces a tenant's licence. A pending tenant
// becomes active (a waiting self-registration approved); a suspended one
// stays suspended with its new licence.
func (s *Service) SetLicense(ctx context.Context, id uuid.UUID, in LicenseInput) (Detail, error) {
	l, err := in.validate()
	if err != nil {
		return Detail{}, err
	}
	return s.apply(ctx, id, "tenants.license", "Set the licence of", nil, s.grant(ctx, l, in.Version))
}

// grant saves a licence and activates a waiting tenant with it.
func (s *Service) grant(ctx context.Context, l License, version *int) transition {
	return func(tx *database.Tx, t *Tenant, current **License, now time.Time) error {
		if t.Status == StatusDeleted {
			return errDeleted
		}
		if version != nil && *version != versionOf(*current) {
			return errVersionConflict
		}
		saved, err := saveLicense(ctx, tx, t.ID, l, now)
		if err != nil {
			return err
		}
		*current = saved
		if t.Status == StatusPending {
			t.Status = StatusActive
		}
		if registrationOf(*t) == RegistrationPending {
			t.Registration = registration(RegistrationApproved)
		}
		return nil
	}
}

// versionOf is a licence's version, 0 for none.
func versionOf(l *License) int {
	if l == nil {
		return 0
	}
	return l.Version
}

// Suspend stops an active tenant; its licence is kept for the resume.
func (s *Service) Suspend(ctx context.Context, id uuid.UUID) (Detail, error) {
	return s.apply(ctx, id, "tenants.suspend", "Suspended", nil, func(_ *database.Tx, t *Tenant, _ **License, _ time.Time) error {
		if t.Status != StatusActive {
			return errNotActive
		}
		t.Status = StatusSuspended
		return nil
	})
}

// Resume reactivates a suspended tenant, which needs a licence to work
// under.
func (s *Service) Resume(ctx context.Context, id uuid.UUID) (Detail, error) {
	return s.apply(ctx, id, "tenants.resume", "Resumed", nil, func(_ *database.Tx, t *Tenant, l **License, _ time.Time) error {
		if t.Status != StatusSuspended {
			return errNotSuspended
		}
		if *l == nil {
			return errNoLicense
		}
		t.Status = StatusActive
		return nil
	})
}

// Delete marks a tenant deleted and schedules its purge after
// DeletionDelay. A registration still waiting leaves the queue as rejected.
func (s *Service) Delete(ctx context.Context, id uuid.UUID) (Detail, error) {
	return s.apply(ctx, id, "tenants.delete", "Deleted", nil, func(_ *database.Tx, t *Tenant, _ **License, now time.Time) error {
		if t.Status == StatusDeleted {
			return errDeleted
		}
		markDeleted(t, now)
		return nil
	})
}

func markDeleted(t *Tenant, now time.Time) {
	purge := now.Add(DeletionDelay)
	t.Status, t.DeletionScheduledAt = StatusDeleted, &purge
	if registrationOf(*t) == RegistrationPending {
		t.Registration = registration(RegistrationRejected)
	}
}

// Approve accepts a waiting self-registration with its first licence.
func (s *Service) Approve(ctx context.Context, id uuid.UUID, in LicenseInput) (Detail, error) {
	l, err := in.validate()
	if err != nil {
		return Detail{}, err
	}
	grant := s.grant(ctx, l, in.Version)
	return s.apply(ctx, id, "registrations.approve", "Approved the registration of", nil,
		func(tx *database.Tx, t *Tenant, current **License, now time.Time) error {
			if registrationOf(*t) != RegistrationPending {
				return errNotPending
			}
			return grant(tx, t, current, now)
		})
}

// Reject turns a waiting self-registration down: the tenant is deleted in
// the Cloud too, and the reason goes to the audit log.
func (s *Service) Reject(ctx context.Context, id uuid.UUID, r Rejection) (Detail, error) {
	if err := r.validate(); err != nil {
		return Detail{}, err
	}
	return s.apply(ctx, id, "registrations.reject", "Rejected the registration of", map[string]change{"reason": {After: r.Reason}},
		func(_ *database.Tx, t *Tenant, _ **License, now time.Time) error {
			if registrationOf(*t) != RegistrationPending {
				return errNotPending
			}
			markDeleted(t, now)
			return nil
		})
}

// Register records a self-registration the Cloud reports, once per Cloud
// tenant: created is false when it was known already (the Cloud retries
// its reports until it hears an answer).
func (s *Service) Register(ctx context.Context, r RegistrationReport) (t Tenant, created bool, err error) {
	if err := r.validate(); err != nil {
		return Tenant{}, false, err
	}
	if r.RegisteredAt.IsZero() {
		r.RegisteredAt = s.now()
	}
	err = s.db.InGlobal(ctx, func(tx *database.Tx) error {
		t, created, err = insertRegistration(ctx, tx, r)
		if err != nil || !created {
			return err
		}
		return writeAudit(ctx, tx, auditRecord{Action: "registrations.create", Tenant: t.ID,
			Summary: "The Cloud reported the self-registration of " + t.AccountName,
			Changes: map[string]change{"status": {After: t.Status}, "registration": {After: t.Registration}}})
	})
	return t, created, err
}

// CurrentLicense is a tenant's status and licence in the push's shape, for
// the Cloud to re-synchronise. The event id changes with every change of the
// tenant or its licence, so the Cloud applies each state once; issued_at is
// the time of the last change, so a pending push of the same change is not
// taken for a newer one.
func (s *Service) CurrentLicense(ctx context.Context, cloudTenantID uuid.UUID) (deliveries.Payload, error) {
	var p deliveries.Payload
	err := s.db.ReadGlobal(ctx, func(tx *database.Tx) error {
		t, err := tenantByCloudID(ctx, tx, cloudTenantID)
		if err != nil {
			return err
		}
		l, err := licenseOf(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		p = payload(t, l)
		p.EventID = fmt.Sprintf("sync-%s-%d-%d", t.ID, t.Version, versionOf(l))
		p.IssuedAt = t.UpdatedAt.UTC()
		return nil
	})
	return p, err
}
