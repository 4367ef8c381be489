package identity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

const userColumns = `id, email, display_name, status, mfa_enabled, last_login_at, locale, appearance, created_at`

func insertGroup(ctx context.Context, tx *database.Tx, name, description string, permissions []string, builtIn string) (uuid.UUID, error) {
	var id uuid.UUID
	var bi *string
	if builtIn != "" {
		bi = &builtIn
	}
	err := tx.Get(ctx, &id, `INSERT INTO groups (tenant_id, name, description, permissions, built_in)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, tx.TenantID(), name, description, permissions, bi)
	return id, err
}

func insertUser(ctx context.Context, tx *database.Tx, email, displayName string, status UserStatus, passwordHash *string) (User, error) {
	var u User
	err := tx.Get(ctx, &u, `INSERT INTO users (tenant_id, email, display_name, status, password_hash)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+userColumns, tx.TenantID(), email, displayName, status, passwordHash)
	if errs.Is(err, errs.KindConflict) {
		return User{}, errs.Invalid(errs.Field("email", "taken", "is already registered"))
	}
	return u, err
}

func addMember(ctx context.Context, tx *database.Tx, groupID, userID uuid.UUID) error {
	_, err := tx.Exec(ctx, `INSERT INTO group_members (tenant_id, group_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		tx.TenantID(), groupID, userID)
	return err
}

func userByID(ctx context.Context, tx *database.Tx, id uuid.UUID) (User, error) {
	var u User
	err := tx.Get(ctx, &u, `SELECT `+userColumns+` FROM users WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id)
	if errs.Is(err, errs.KindNotFound) {
		return User{}, errs.NotFound("user")
	}
	return u, err
}

// loginState is what a sign-in needs beyond the public user.
type loginState struct {
	User
	PasswordHash  *string    `db:"password_hash"`
	FailedLogins  int        `db:"failed_logins"`
	FailedSince   *time.Time `db:"failed_since"`
	LockedUntil   *time.Time `db:"locked_until"`
	TOTPSecret    *string    `db:"totp_secret"`
	TOTPLastStep  int64      `db:"totp_last_step"`
	TenantStatus  string     `db:"tenant_status"`
	TenantMFAPol  string     `db:"mfa_policy"`
	TenantAuthPol string     `db:"auth_policy"`
}

// lockLoginState loads a user for sign-in and locks the row, so concurrent
// attempts count failures one after another.
func lockLoginState(ctx context.Context, tx *database.Tx, userID uuid.UUID) (loginState, error) {
	var s loginState
	err := tx.Get(ctx, &s, `
		SELECT u.id, u.email, u.display_name, u.status, u.mfa_enabled, u.last_login_at, u.locale, u.appearance, u.created_at,
		       u.password_hash, u.failed_logins, u.failed_since, u.locked_until, u.totp_secret, u.totp_last_step,
		       t.status AS tenant_status, t.mfa_policy, t.auth_policy
		FROM users u JOIN tenants t ON t.id = u.tenant_id
		WHERE u.tenant_id = $1 AND u.id = $2
		FOR UPDATE OF u`, tx.TenantID(), userID)
	return s, err
}

// recordFailure counts a failed attempt (auth.NextFailure) and reports the
// lock it causes, if any.
func recordFailure(ctx context.Context, tx *database.Tx, s loginState, now time.Time) (lockedUntil *time.Time, err error) {
	f := auth.NextFailure(s.FailedLogins, s.FailedSince, now)
	_, err = tx.Exec(ctx, `UPDATE users SET failed_logins = $3, failed_since = $4, locked_until = coalesce($5, locked_until)
		WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), s.ID, f.Count, f.Since, f.LockedUntil)
	return f.LockedUntil, err
}

func recordSuccess(ctx context.Context, tx *database.Tx, userID uuid.UUID, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE users SET failed_logins = 0, failed_since = NULL, locked_until = NULL, last_login_at = $3
		WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), userID, now)
	return err
}

// effectivePermissions is the union of the user's groups' grants.
func effectivePermissions(ctx context.Context, tx *database.Tx, userID uuid.UUID) ([]string, error) {
	var grants []string
	err := tx.Select(ctx, &grants, `SELECT DISTINCT unnest(g.permissions) FROM groups g
		JOIN group_members m ON m.tenant_id = g.tenant_id AND m.group_id = g.id
		WHERE g.tenant_id = $1 AND m.user_id = $2`, tx.TenantID(), userID)
	return grants, err
}

type sessionRow struct {
	ID            uuid.UUID  `db:"id"`
	UserID        uuid.UUID  `db:"user_id"`
	ExpiresAt     time.Time  `db:"expires_at"`
	IdleExpiresAt time.Time  `db:"idle_expires_at"`
	RevokedAt     *time.Time `db:"revoked_at"`
}

func (s sessionRow) usable(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt) && now.Before(s.IdleExpiresAt)
}

func insertSession(ctx context.Context, tx *database.Tx, userID uuid.UUID, now time.Time, idle time.Duration, ip, userAgent string) (uuid.UUID, error) {
	var id uuid.UUID
	var ipArg *string
	if ip != "" {
		ipArg = &ip
	}
	err := tx.Get(ctx, &id, `INSERT INTO sessions (tenant_id, user_id, created_at, last_used_at, expires_at, idle_expires_at, ip, user_agent)
		VALUES ($1, $2, $3, $3, $4, $5, $6::inet, $7) RETURNING id`,
		tx.TenantID(), userID, now, now.Add(SessionAbsoluteLifetime), now.Add(idle), ipArg, clip(userAgent, 512))
	return id, err
}

func insertRefreshToken(ctx context.Context, tx *database.Tx, sessionID uuid.UUID, hash string) error {
	_, err := tx.Exec(ctx, `INSERT INTO refresh_tokens (tenant_id, token_hash, session_id) VALUES ($1, $2, $3)`,
		tx.TenantID(), hash, sessionID)
	return err
}

type refreshRow struct {
	SessionID uuid.UUID  `db:"session_id"`
	RotatedAt *time.Time `db:"rotated_at"`
	sessionRow
}

func lockRefreshToken(ctx context.Context, tx *database.Tx, hash string) (refreshRow, error) {
	var r refreshRow
	err := tx.Get(ctx, &r, `
		SELECT r.session_id, r.rotated_at, s.id, s.user_id, s.expires_at, s.idle_expires_at, s.revoked_at
		FROM refresh_tokens r JOIN sessions s ON s.tenant_id = r.tenant_id AND s.id = r.session_id
		WHERE r.tenant_id = $1 AND r.token_hash = $2
		FOR UPDATE OF r, s`, tx.TenantID(), hash)
	return r, err
}

func rotateRefreshToken(ctx context.Context, tx *database.Tx, oldHash, newHash string, sessionID uuid.UUID, now time.Time, idle time.Duration) error {
	if _, err := tx.Exec(ctx, `UPDATE refresh_tokens SET rotated_at = $3 WHERE tenant_id = $1 AND token_hash = $2`,
		tx.TenantID(), oldHash, now); err != nil {
		return err
	}
	if err := insertRefreshToken(ctx, tx, sessionID, newHash); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE sessions SET last_used_at = $3, idle_expires_at = LEAST(expires_at, $4)
		WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), sessionID, now, now.Add(idle))
	return err
}

func revokeSession(ctx context.Context, tx *database.Tx, sessionID uuid.UUID, reason string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = $3, revoked_reason = $4
		WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL`, tx.TenantID(), sessionID, now, reason)
	return err
}

func sessionByID(ctx context.Context, tx *database.Tx, id uuid.UUID) (sessionRow, error) {
	var s sessionRow
	err := tx.Get(ctx, &s, `SELECT id, user_id, expires_at, idle_expires_at, revoked_at FROM sessions
		WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id)
	return s, err
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
