package edge

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// registrationKeyPrefix starts every registration (provisioning) key.
const registrationKeyPrefix = "prov_"

// Limits of registration keys.
const (
	maxKeyLabel    = 200
	maxKeyUses     = 100_000
	maxKeyLifetime = 5 * 366 * 24 * time.Hour
)

// Registration key statuses, derived from the row at the time of reading.
const (
	KeyActive    = "active"
	KeyExpired   = "expired"
	KeyExhausted = "exhausted"
	KeyRevoked   = "revoked"
)

// RegistrationKey is a key devices register with; the key itself is shown
// only when it is made.
type RegistrationKey struct {
	ID         uuid.UUID  `db:"id" json:"id"`
	Label      string     `db:"label" json:"label"`
	KeyPrefix  string     `db:"key_prefix" json:"key_prefix" doc:"the start of the key, to tell keys apart"`
	SiteID     *uuid.UUID `db:"site_id" json:"site_id" doc:"devices registered with the key land in this site"`
	SiteName   *string    `db:"site_name" json:"site_name"`
	Uses       int        `db:"uses" json:"uses"`
	MaxUses    *int       `db:"max_uses" json:"max_uses"`
	ExpiresAt  *time.Time `db:"expires_at" json:"expires_at"`
	LastUsedAt *time.Time `db:"last_used_at" json:"last_used_at"`
	RevokedAt  *time.Time `db:"revoked_at" json:"revoked_at"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	Status     string     `db:"-" json:"status" enum:"active expired exhausted revoked"`
}

// withStatus sets the status the key has at now.
func (k RegistrationKey) withStatus(now time.Time) RegistrationKey {
	switch {
	case k.RevokedAt != nil:
		k.Status = KeyRevoked
	case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
		k.Status = KeyExpired
	case k.MaxUses != nil && k.Uses >= *k.MaxUses:
		k.Status = KeyExhausted
	default:
		k.Status = KeyActive
	}
	return k
}

// CreatedKey is a new key with its secret, shown this once.
type CreatedKey struct {
	RegistrationKey
	Key string `json:"key" doc:"prov_…; shown only in this answer, stored hashed"`
}

// NewKey is a registration key to make.
type NewKey struct {
	Label     string     `json:"label"`
	ExpiresAt *time.Time `json:"expires_at,omitempty" doc:"after this the key registers nothing; at most five years ahead"`
	MaxUses   *int       `json:"max_uses,omitempty" doc:"how many devices may register with it, 1-100000; unlimited when absent"`
	SiteID    *uuid.UUID `json:"site_id,omitempty" doc:"the site devices registered with the key land in"`
}

func (n NewKey) normalized(now time.Time) (NewKey, error) {
	var c errs.Checker
	c.Text("label", &n.Label, maxKeyLabel, true)
	if n.ExpiresAt != nil {
		switch at := n.ExpiresAt.UTC(); {
		case !at.After(now):
			c.Add("expires_at", "in_past", "must be in the future")
		case at.Sub(now) > maxKeyLifetime:
			c.Add("expires_at", "too_late", "must be at most five years ahead")
		default:
			n.ExpiresAt = &at
		}
	}
	if n.MaxUses != nil && (*n.MaxUses < 1 || *n.MaxUses > maxKeyUses) {
		c.Add("max_uses", "out_of_range", "must be from 1 to 100000")
	}
	return n, c.Err()
}

// keyCursor is where a page of keys continues: newest first.
type keyCursor struct {
	CreatedAt time.Time
	ID        uuid.UUID
}

// Keys lists registration keys, newest first, after the cursor.
func (s *Service) Keys(ctx context.Context, after *keyCursor, limit int) ([]RegistrationKey, error) {
	now := s.nowUTC()
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]RegistrationKey, error) {
		keys, err := listKeys(ctx, tx, after, limit+1)
		for i := range keys {
			keys[i] = keys[i].withStatus(now)
		}
		return keys, err
	})
}

// Key returns one registration key (never its secret).
func (s *Service) Key(ctx context.Context, id uuid.UUID) (RegistrationKey, error) {
	now := s.nowUTC()
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (RegistrationKey, error) {
		k, err := keyByID(ctx, tx, id, false)
		return k.withStatus(now), err
	})
}

// CreateKey makes a registration key and returns it with its secret.
func (s *Service) CreateKey(ctx context.Context, n NewKey) (CreatedKey, error) {
	now := s.nowUTC()
	n, err := n.normalized(now)
	if err != nil {
		return CreatedKey{}, err
	}
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (CreatedKey, error) {
		if n.SiteID != nil {
			if err := requireSite(ctx, tx, *n.SiteID); err != nil {
				return CreatedKey{}, err
			}
		}
		secret, hash, shown := newSecretKey(registrationKeyPrefix)
		id, err := insertKey(ctx, tx, n, hash, shown, now)
		if err != nil {
			return CreatedKey{}, err
		}
		k, err := keyByID(ctx, tx, id, false)
		if err != nil {
			return CreatedKey{}, err
		}
		changes := map[string]audit.Change{"label": {After: k.Label}, "key": {After: audit.Redacted},
			"key_prefix": {After: k.KeyPrefix}}
		if k.SiteID != nil {
			changes["site_id"] = audit.Change{After: k.SiteID}
		}
		if k.MaxUses != nil {
			changes["max_uses"] = audit.Change{After: *k.MaxUses}
		}
		if k.ExpiresAt != nil {
			changes["expires_at"] = audit.Change{After: k.ExpiresAt}
		}
		err = audit.Write(ctx, tx, audit.Record{Action: "edge_registration_keys.create", ResourceType: "edge_registration_key",
			ResourceID: id.String(), Summary: "Registration key " + k.Label + " created", Changes: changes})
		return CreatedKey{RegistrationKey: k.withStatus(now), Key: secret}, err
	})
}

// RevokeKey stops a key from registering devices; devices it registered
// keep their own keys. Revoking a revoked key changes nothing.
func (s *Service) RevokeKey(ctx context.Context, id uuid.UUID) error {
	now := s.nowUTC()
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		k, err := keyByID(ctx, tx, id, true)
		if err != nil || k.RevokedAt != nil {
			return err
		}
		if err := revokeKey(ctx, tx, id, actorID(ctx), now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "edge_registration_keys.revoke", ResourceType: "edge_registration_key",
			ResourceID: id.String(), Summary: "Registration key " + k.Label + " revoked",
			Changes: map[string]audit.Change{"revoked_at": {After: now}}})
	})
}
