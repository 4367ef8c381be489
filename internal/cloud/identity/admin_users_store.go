package identity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

const managedUserColumns = userColumns + `, version`

// listUsers pages by e-mail, which is unique: the first page starts after
// "", which sorts before every address.
func listUsers(ctx context.Context, tx *database.Tx, f UserFilter, afterEmail string, limit int) ([]ManagedUser, error) {
	users := []ManagedUser{}
	err := tx.Select(ctx, &users, `SELECT `+managedUserColumns+` FROM users
		WHERE tenant_id = $1 AND email > $2
		  AND ($3::text = '' OR status = $3::text)
		  AND ($4::text = '' OR strpos(lower(email), lower($4::text)) > 0 OR strpos(lower(display_name), lower($4::text)) > 0)
		ORDER BY email LIMIT $5`, tx.TenantID(), afterEmail, string(f.Status), f.Query, limit)
	return users, err
}

func managedUserByID(ctx context.Context, tx *database.Tx, id uuid.UUID) (ManagedUser, error) {
	return getManagedUser(ctx, tx, `SELECT `+managedUserColumns+` FROM users WHERE tenant_id = $1 AND id = $2`, id)
}

// lockManagedUser reads a user and holds the row until the transaction
// ends, so a concurrent edit waits and then sees the new version.
func lockManagedUser(ctx context.Context, tx *database.Tx, id uuid.UUID) (ManagedUser, error) {
	return getManagedUser(ctx, tx, `SELECT `+managedUserColumns+` FROM users WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, id)
}

func getManagedUser(ctx context.Context, tx *database.Tx, query string, id uuid.UUID) (ManagedUser, error) {
	var u ManagedUser
	err := tx.Get(ctx, &u, query, tx.TenantID(), id)
	if errs.Is(err, errs.KindNotFound) {
		return ManagedUser{}, errs.NotFound("user")
	}
	return u, err
}

func userGroups(ctx context.Context, tx *database.Tx, userID uuid.UUID) ([]GroupRef, error) {
	groups := []GroupRef{}
	err := tx.Select(ctx, &groups, `SELECT g.id, g.name FROM group_members m
		JOIN groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
		WHERE m.tenant_id = $1 AND m.user_id = $2 ORDER BY lower(g.name), g.id`, tx.TenantID(), userID)
	return groups, err
}

func setDisplayName(ctx context.Context, tx *database.Tx, id uuid.UUID, name string) (ManagedUser, error) {
	var u ManagedUser
	err := tx.Get(ctx, &u, `UPDATE users SET display_name = $3, version = version + 1, updated_at = now()
		WHERE tenant_id = $1 AND id = $2 RETURNING `+managedUserColumns, tx.TenantID(), id, name)
	return u, err
}

func setStatus(ctx context.Context, tx *database.Tx, id uuid.UUID, status UserStatus) (ManagedUser, error) {
	var u ManagedUser
	err := tx.Get(ctx, &u, `UPDATE users SET status = $3, version = version + 1, updated_at = now()
		WHERE tenant_id = $1 AND id = $2 RETURNING `+managedUserColumns, tx.TenantID(), id, status)
	return u, err
}

// revokeUserSessions ends every live session of a user and returns their
// ids, so the caller can drop their cached grants once this commits.
func revokeUserSessions(ctx context.Context, tx *database.Tx, userID uuid.UUID, reason string, now time.Time) ([]uuid.UUID, error) {
	var ids []uuid.UUID
	err := tx.Select(ctx, &ids, `UPDATE sessions SET revoked_at = $3, revoked_reason = $4
		WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`, tx.TenantID(), userID, now, reason)
	return ids, err
}

// deleteUser removes a user; their memberships, sessions and tokens go with
// them (ON DELETE CASCADE). It returns the ids of the sessions removed.
func deleteUser(ctx context.Context, tx *database.Tx, id uuid.UUID) ([]uuid.UUID, error) {
	var sessions []uuid.UUID
	if err := tx.Select(ctx, &sessions, `SELECT id FROM sessions WHERE tenant_id = $1 AND user_id = $2`,
		tx.TenantID(), id); err != nil {
		return nil, err
	}
	_, err := tx.Exec(ctx, `DELETE FROM users WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id)
	return sessions, err
}
