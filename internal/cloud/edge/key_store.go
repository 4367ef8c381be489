package edge

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

const keyColumns = `k.id, k.label, k.key_prefix, k.site_id, s.name AS site_name, k.uses, k.max_uses, k.expires_at,
	k.last_used_at, k.revoked_at, k.created_at
	FROM edge_registration_keys k LEFT JOIN sites s ON s.tenant_id = k.tenant_id AND s.id = k.site_id`

func listKeys(ctx context.Context, tx *database.Tx, after *keyCursor, limit int) ([]RegistrationKey, error) {
	keys := []RegistrationKey{}
	args := []any{tx.TenantID(), limit}
	cond := ""
	if after != nil {
		cond = ` AND (k.created_at, k.id) < ($3, $4)`
		args = append(args, after.CreatedAt, after.ID)
	}
	err := tx.Select(ctx, &keys, `SELECT `+keyColumns+` WHERE k.tenant_id = $1`+cond+
		` ORDER BY k.created_at DESC, k.id DESC LIMIT $2`, args...)
	return keys, err
}

func keyByID(ctx context.Context, tx *database.Tx, id uuid.UUID, lock bool) (RegistrationKey, error) {
	tail := ""
	if lock {
		tail = " FOR UPDATE OF k"
	}
	var k RegistrationKey
	err := tx.Get(ctx, &k, `SELECT `+keyColumns+` WHERE k.tenant_id = $1 AND k.id = $2`+tail, tx.TenantID(), id)
	if errs.Is(err, errs.KindNotFound) {
		return k, errs.NotFound("registration key")
	}
	return k, err
}

func insertKey(ctx context.Context, tx *database.Tx, n NewKey, hash []byte, shown string, now time.Time) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.Get(ctx, &id, `INSERT INTO edge_registration_keys
		(tenant_id, label, key_prefix, key_hash, site_id, expires_at, max_uses, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		tx.TenantID(), n.Label, shown, hash, n.SiteID, n.ExpiresAt, n.MaxUses, actorID(ctx), now)
	return id, err
}

func revokeKey(ctx context.Context, tx *database.Tx, id uuid.UUID, by *uuid.UUID, now time.Time) error {
	return tx.ExecOne(ctx, "registration key", `UPDATE edge_registration_keys SET revoked_at = $3, revoked_by = $4
		WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id, now, by)
}

// requireSite refuses a site id the tenant does not have, as a field error.
func requireSite(ctx context.Context, tx *database.Tx, id uuid.UUID) error {
	var found bool
	if err := tx.Get(ctx, &found, `SELECT EXISTS (SELECT 1 FROM sites WHERE tenant_id = $1 AND id = $2)`, tx.TenantID(), id); err != nil {
		return err
	}
	if !found {
		return errs.Invalid(errs.Field("site_id", "not_found", "no such site"))
	}
	return nil
}

// actorID is the acting person's id, for the created_by columns.
func actorID(ctx context.Context) *uuid.UUID {
	if p, ok := auth.PrincipalFrom(ctx); ok && p.ActorID != uuid.Nil {
		id := p.ActorID
		return &id
	}
	return nil
}
