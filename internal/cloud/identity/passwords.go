package identity

import (
	"context"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

var errResetInvalid = errs.New(errs.KindNotFound, "This reset link is no longer valid; ask for a new one.").WithCode("reset_invalid")

// newPasswordHash applies the password rules to a new password of the
// "password" field and hashes it.
func (s *Service) newPasswordHash(password, email string) (string, error) {
	if err := auth.CheckPasswordRules("password", password, email); err != nil {
		return "", err
	}
	return s.cfg.Passwords.Hash(password)
}

// ForgotPassword mails a reset link when the address belongs to an active
// user. The caller answers the same either way.
func (s *Service) ForgotPassword(ctx context.Context, email string) error {
	email, err := NormalizeEmail("email", email)
	if err != nil {
		return err
	}
	tenantID, userID, found, err := s.lookupLogin(ctx, email)
	if err != nil || !found {
		return err
	}
	ctx = auth.WithPrincipal(ctx, auth.System(tenantID))
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		u, err := userByID(ctx, tx, userID)
		if err != nil || u.Status != UserActive {
			return ignoreNotFound(err)
		}
		actor := auth.Principal{Kind: auth.KindUser, TenantID: tenantID, ActorID: u.ID}
		if err := audit.Write(ctx, tx, audit.Record{Action: "auth.password_forgot", ResourceType: "user", ResourceID: u.ID.String(),
			Actor: &actor, ActorLabel: u.Email, Summary: "Password reset requested"}); err != nil {
			return err
		}
		return s.mailing.Queue.Enqueue(ctx, tx, PasswordResetMailArgs{TenantID: tenantID, UserID: u.ID}, nil)
	})
}

// ResetPassword sets a new password with a reset token, ends every session
// of the user and lifts a lockout.
func (s *Service) ResetPassword(ctx context.Context, token, password string) error {
	ctx, tenantID, err := s.tokenTenant(ctx, "password_reset", token, errResetInvalid)
	if err != nil {
		return err
	}
	now := s.now()
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		var r struct {
			UserID uuid.UUID `db:"user_id"`
			Email  string    `db:"email"`
			Usable bool      `db:"usable"`
		}
		err := tx.Get(ctx, &r, `SELECT p.user_id, u.email, (p.used_at IS NULL AND p.expires_at > $3 AND u.status = 'active') AS usable
			FROM password_resets p JOIN users u ON u.tenant_id = p.tenant_id AND u.id = p.user_id
			WHERE p.tenant_id = $1 AND p.token_hash = $2 FOR UPDATE OF p`, tx.TenantID(), auth.HashToken(token), now)
		if errs.Is(err, errs.KindNotFound) || (err == nil && !r.Usable) {
			return errResetInvalid
		}
		if err != nil {
			return err
		}
		hash, err := s.newPasswordHash(password, r.Email)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $3, failed_logins = 0, failed_since = NULL, locked_until = NULL,
			updated_at = now() WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), r.UserID, hash); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE password_resets SET used_at = $3 WHERE tenant_id = $1 AND user_id = $2 AND used_at IS NULL`,
			tx.TenantID(), r.UserID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = $3, revoked_reason = 'password_reset'
			WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL`, tx.TenantID(), r.UserID, now); err != nil {
			return err
		}
		s.perms.forgetAll()
		actor := auth.Principal{Kind: auth.KindUser, TenantID: tenantID, ActorID: r.UserID}
		return audit.Write(ctx, tx, audit.Record{Action: "auth.password_reset", ResourceType: "user", ResourceID: r.UserID.String(),
			Actor: &actor, ActorLabel: r.Email, Summary: "Password reset; every session ended"})
	})
}
