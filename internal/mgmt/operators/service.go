package operators

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// Config holds the service's settings.
type Config struct {
	Passwords  *auth.Passwords
	Signer     *auth.Signer // audience monozu-mgmt
	Sealer     *auth.Sealer // TOTP secrets at rest
	RefreshTTL time.Duration
}

// Service is the operators' use cases. The management database has no
// tenants: every transaction is global, and roles are checked here and in
// the guard.
type Service struct {
	db  *database.DB
	cfg Config
	now func() time.Time
}

// NewService wires the service.
func NewService(db *database.DB, cfg Config) *Service {
	return &Service{db: db, cfg: cfg, now: time.Now}
}

// Actor is the signed-in operator a request acts for.
type Actor struct {
	ID    uuid.UUID
	Email string
}

type actorKey struct{}

// WithActor returns ctx acting for a. Only the guard calls it: the
// platform's auth.Principal is tenant-scoped, operators have no tenant.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the operator ctx acts for, if any (none on the command
// line).
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// ownerData binds a sealed TOTP secret to its operator, so a secret copied
// to another row does not decrypt.
func ownerData(id uuid.UUID) []byte { return id[:] }

// Create adds an operator with a fresh TOTP secret, returned once.
func (s *Service) Create(ctx context.Context, n NewOperator) (Enrollment, error) {
	if err := n.validate(); err != nil {
		return Enrollment{}, err
	}
	hash, err := s.cfg.Passwords.Hash(n.Password)
	if err != nil {
		return Enrollment{}, err
	}
	secret, url, err := auth.NewTOTP(TOTPIssuer, n.Email)
	if err != nil {
		return Enrollment{}, err
	}
	id := uuid.New()
	var o Operator
	err = s.db.InGlobal(ctx, func(tx *database.Tx) error {
		o, err = insertOperator(ctx, tx, id, n, hash, s.cfg.Sealer.Seal([]byte(secret), ownerData(id)))
		if err != nil {
			return err
		}
		return WriteAudit(ctx, tx, AuditRecord{Action: "operators.create", ResourceType: "operator", ResourceID: id.String(),
			Summary: "Created operator " + n.Email,
			Changes: map[string]Change{"email": {After: n.Email}, "name": {After: n.Name}, "role": {After: n.Role}}})
	})
	if err != nil {
		return Enrollment{}, err
	}
	return Enrollment{Operator: o, TOTPSecret: secret, OTPAuthURL: url}, nil
}

// Get returns one operator.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (Operator, error) {
	var o Operator
	err := s.db.ReadGlobal(ctx, func(tx *database.Tx) error {
		var err error
		o, err = operatorByID(ctx, tx, id, false)
		return err
	})
	return o, err
}

// List returns a page of operators ordered by e-mail address.
func (s *Service) List(ctx context.Context, p httpapi.PageRequest) (httpapi.Page[Operator], error) {
	var after string
	if p.HasCursor() {
		if err := p.After(&after); err != nil {
			return httpapi.Page[Operator]{}, err
		}
	}
	var rows []Operator
	err := s.db.ReadGlobal(ctx, func(tx *database.Tx) error {
		var err error
		rows, err = operatorPage(ctx, tx, after, p.Limit)
		return err
	})
	return httpapi.NewPage(rows, p.Limit, func(o Operator) []any { return []any{o.Email} }), err
}

// Audit returns a page of the operator audit log, newest first.
func (s *Service) Audit(ctx context.Context, p httpapi.PageRequest) (httpapi.Page[AuditEntry], error) {
	var after *auditKey
	if p.HasCursor() {
		after = &auditKey{}
		if err := p.After(&after.At, &after.ID); err != nil {
			return httpapi.Page[AuditEntry]{}, err
		}
	}
	var rows []AuditEntry
	err := s.db.ReadGlobal(ctx, func(tx *database.Tx) error {
		var err error
		rows, err = auditPage(ctx, tx, after, p.Limit)
		return err
	})
	return httpapi.NewPage(rows, p.Limit, func(e AuditEntry) []any { return []any{e.At, e.ID} }), err
}

// Update changes an operator's name, role or status. Disabling ends the
// operator's sessions; nobody disables or demotes themselves, and the last
// active admin stays one.
func (s *Service) Update(ctx context.Context, id uuid.UUID, u Update) (Operator, error) {
	if err := u.validate(); err != nil {
		return Operator{}, err
	}
	actor, _ := ActorFrom(ctx)
	now := s.now()
	var o Operator
	err := s.db.InGlobal(ctx, func(tx *database.Tx) error {
		before, err := operatorByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if before.Version != u.Version {
			return errVersionConflict
		}
		after := before
		if u.Name != nil {
			after.Name = *u.Name
		}
		if u.Role != nil {
			after.Role = *u.Role
		}
		if u.Status != nil {
			after.Status = *u.Status
		}
		wasAdmin := before.Role == RoleAdmin && before.Status == StatusActive
		staysAdmin := after.Role == RoleAdmin && after.Status == StatusActive
		if wasAdmin && !staysAdmin {
			if id == actor.ID {
				return errOwnAccount
			}
			n, err := activeAdmins(ctx, tx)
			if err != nil {
				return err
			}
			if n <= 1 {
				return errLastAdmin
			}
		}
		if id == actor.ID && after.Status == StatusDisabled {
			return errOwnAccount
		}
		changes := map[string]Change{}
		for field, pair := range map[string][2]string{"name": {before.Name, after.Name},
			"role": {string(before.Role), string(after.Role)}, "status": {string(before.Status), string(after.Status)}} {
			if pair[0] != pair[1] {
				changes[field] = Change{Before: pair[0], After: pair[1]}
			}
		}
		if len(changes) == 0 {
			o = before
			return nil
		}
		if err := tx.Get(ctx, &o, `UPDATE operators SET name = $2, role = $3, status = $4, updated_at = $5, version = version + 1
			WHERE id = $1 RETURNING `+operatorColumns, id, after.Name, after.Role, after.Status, now); err != nil {
			return err
		}
		if after.Status == StatusDisabled && before.Status != StatusDisabled {
			if err := revokeOperatorSessions(ctx, tx, id, "operator_disabled", now); err != nil {
				return err
			}
		}
		return WriteAudit(ctx, tx, AuditRecord{Action: "operators.update", ResourceType: "operator", ResourceID: id.String(),
			Summary: "Updated operator " + before.Email, Changes: changes})
	})
	if errs.Is(err, errs.KindNotFound) {
		return Operator{}, errs.NotFound("operator")
	}
	return o, err
}
