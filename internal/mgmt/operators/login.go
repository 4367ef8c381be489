package operators

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/requestmeta"
)

// Tokens is what a completed sign-in hands the client: the access token for
// the body and the refresh token for the HttpOnly cookie.
type Tokens struct {
	AccessToken  string
	ExpiresIn    int
	RefreshToken string
	Operator     Operator
}

// Login checks an e-mail and password and, when they are right, opens the
// TOTP step (mandatory for operators) with a single-use session token.
// Unknown e-mails, wrong passwords and disabled operators get the same
// answer after the same work.
func (s *Service) Login(ctx context.Context, email, password string) (sessionToken string, err error) {
	email, fe := normalizeEmail(email)
	if fe != nil {
		s.cfg.Passwords.SpendWork(password)
		return "", errInvalidCredentials
	}
	now := s.now()
	var failure error
	err = s.db.InGlobal(ctx, func(tx *database.Tx) error {
		st, err := lockLoginState(ctx, tx, "email", email)
		if errs.Is(err, errs.KindNotFound) {
			s.cfg.Passwords.SpendWork(password)
			failure = errInvalidCredentials
			return nil
		}
		if err != nil {
			return err
		}
		target := &Actor{ID: st.ID, Email: st.Email}
		if st.LockedUntil != nil && now.Before(*st.LockedUntil) {
			s.cfg.Passwords.SpendWork(password)
			failure = errLocked(*st.LockedUntil, now)
			return WriteAudit(ctx, tx, AuditRecord{Action: "auth.login_locked", ResourceType: "operator",
				ResourceID: st.ID.String(), Actor: target, Summary: "Sign-in refused: account locked"})
		}
		if !auth.PasswordMatches(st.PasswordHash, password) || st.Status != StatusActive {
			failure = errInvalidCredentials
			locked, err := recordFailure(ctx, tx, st, now)
			if err != nil {
				return err
			}
			rec := AuditRecord{Action: "auth.login_failed", ResourceType: "operator", ResourceID: st.ID.String(),
				Actor: target, Summary: "Sign-in failed"}
			if locked != nil {
				rec.Action, rec.Summary = "auth.lockout", "Account locked after repeated failed sign-ins"
			}
			return WriteAudit(ctx, tx, rec)
		}
		token, hash := auth.NewOpaqueToken()
		if err := insertChallenge(ctx, tx, hash, st.ID, now); err != nil {
			return err
		}
		sessionToken = token
		return WriteAudit(ctx, tx, AuditRecord{Action: "auth.login_password", ResourceType: "operator", ResourceID: st.ID.String(),
			Actor: target, Summary: "Password accepted; waiting for the TOTP code"})
	})
	if err != nil {
		return "", err
	}
	return sessionToken, failure
}

// VerifyMFA completes a sign-in with a TOTP code newer than the last one
// used (a code cannot be replayed) and starts a session.
func (s *Service) VerifyMFA(ctx context.Context, sessionToken, totpCode string) (*Tokens, error) {
	if sessionToken == "" || totpCode == "" {
		return nil, errs.Invalid(errs.Field("totp_code", "required", "send session_token and totp_code"))
	}
	now := s.now()
	var tokens *Tokens
	var failure error
	err := s.db.InGlobal(ctx, func(tx *database.Tx) error {
		hash := auth.HashToken(sessionToken)
		ch, err := lockChallenge(ctx, tx, hash, now)
		if errs.Is(err, errs.KindNotFound) {
			failure = errInvalidMFA
			return nil
		}
		if err != nil {
			return err
		}
		if !ch.Usable || ch.Attempts >= MaxMFAAttempts {
			failure = errInvalidMFA
			return nil
		}
		st, err := lockLoginState(ctx, tx, "id", ch.OperatorID)
		if err != nil {
			return err
		}
		target := &Actor{ID: st.ID, Email: st.Email}
		step, ok, err := s.matchTOTP(st, totpCode, now)
		if err != nil {
			return err
		}
		if !ok || st.Status != StatusActive {
			failure = errInvalidMFA
			if _, err := tx.Exec(ctx, `UPDATE operator_mfa_challenges SET attempts = attempts + 1 WHERE token_hash = $1`, hash); err != nil {
				return err
			}
			return WriteAudit(ctx, tx, AuditRecord{Action: "auth.mfa_failed", ResourceType: "operator", ResourceID: st.ID.String(),
				Actor: target, Summary: "Wrong or reused TOTP code"})
		}
		if _, err := tx.Exec(ctx, `UPDATE operator_mfa_challenges SET used_at = $2 WHERE token_hash = $1`, hash, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE operators SET totp_last_step = $2, failed_logins = 0, failed_since = NULL,
			locked_until = NULL, last_login_at = $3 WHERE id = $1`, st.ID, step, now); err != nil {
			return err
		}
		o := st.Operator
		o.LastLoginAt = &now
		tokens, err = s.startSession(ctx, tx, o, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return tokens, failure
}

// matchTOTP checks a code against the operator's secret and refuses steps
// not newer than the last one used.
func (s *Service) matchTOTP(st loginState, code string, now time.Time) (int64, bool, error) {
	secret, err := s.cfg.Sealer.Open(st.TOTPSecret, ownerData(st.ID))
	if err != nil {
		return 0, false, err
	}
	step, ok := auth.MatchTOTP(string(secret), code, now)
	return step, ok && step > st.TOTPLastStep, nil
}

// startSession opens a session with its first refresh token and issues the
// access token.
func (s *Service) startSession(ctx context.Context, tx *database.Tx, o Operator, now time.Time) (*Tokens, error) {
	sessionID, err := insertSession(ctx, tx, o.ID, now, s.cfg.RefreshTTL, requestmeta.From(ctx))
	if err != nil {
		return nil, err
	}
	refresh, hash := auth.NewOpaqueToken()
	if err := insertRefreshToken(ctx, tx, sessionID, hash, now); err != nil {
		return nil, err
	}
	tokens, err := s.issue(o, sessionID, refresh)
	if err != nil {
		return nil, err
	}
	return tokens, WriteAudit(ctx, tx, AuditRecord{Action: "auth.login", ResourceType: "session", ResourceID: sessionID.String(),
		Actor: &Actor{ID: o.ID, Email: o.Email}, Summary: "Signed in"})
}

// issue signs an access token for a session. Operators have no tenant: the
// token's tid is the nil UUID and its audience keeps it out of the Cloud.
func (s *Service) issue(o Operator, sessionID uuid.UUID, refresh string) (*Tokens, error) {
	access, claims, err := s.cfg.Signer.Issue(o.ID, uuid.Nil, sessionID)
	if err != nil {
		return nil, err
	}
	return &Tokens{AccessToken: access, ExpiresIn: int(claims.ExpiresAt.Sub(claims.IssuedAt).Seconds()),
		RefreshToken: refresh, Operator: o}, nil
}

// Refresh rotates a refresh token. A token that was already rotated means
// it was stolen or replayed: the whole session is revoked.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (*Tokens, error) {
	if refreshToken == "" {
		return nil, errInvalidSession
	}
	now := s.now()
	var tokens *Tokens
	var failure error
	err := s.db.InGlobal(ctx, func(tx *database.Tx) error {
		oldHash := auth.HashToken(refreshToken)
		r, err := lockRefreshToken(ctx, tx, oldHash)
		if errs.Is(err, errs.KindNotFound) {
			failure = errInvalidSession
			return nil
		}
		if err != nil {
			return err
		}
		if r.RotatedAt != nil {
			failure = errInvalidSession
			if r.RevokedAt != nil {
				return nil
			}
			if err := revokeSession(ctx, tx, r.ID, "refresh_token_reuse", now); err != nil {
				return err
			}
			return WriteAudit(ctx, tx, AuditRecord{Action: "auth.refresh_reuse", ResourceType: "session",
				ResourceID: r.ID.String(), Actor: &Actor{ID: r.OperatorID},
				Summary: "A rotated refresh token was presented again; the session was revoked"})
		}
		if !r.usable(now) {
			failure = errInvalidSession
			return nil
		}
		o, err := operatorByID(ctx, tx, r.OperatorID, false)
		if err != nil {
			return err
		}
		if o.Status != StatusActive {
			failure = errInvalidSession
			return nil
		}
		newToken, newHash := auth.NewOpaqueToken()
		if err := rotateRefreshToken(ctx, tx, oldHash, newHash, r.ID, now, s.cfg.RefreshTTL); err != nil {
			return err
		}
		tokens, err = s.issue(o, r.ID, newToken)
		return err
	})
	if err != nil {
		return nil, err
	}
	return tokens, failure
}

// Logout revokes the session of a refresh token. Unknown tokens are fine:
// the client is signed out either way.
func (s *Service) Logout(ctx context.Context, refreshToken string) error {
	if refreshToken == "" {
		return nil
	}
	return s.db.InGlobal(ctx, func(tx *database.Tx) error {
		r, err := lockRefreshToken(ctx, tx, auth.HashToken(refreshToken))
		if errs.Is(err, errs.KindNotFound) {
			return nil
		}
		if err != nil || r.RevokedAt != nil {
			return err
		}
		if err := revokeSession(ctx, tx, r.ID, "logout", s.now()); err != nil {
			return err
		}
		return WriteAudit(ctx, tx, AuditRecord{Action: "auth.logout", ResourceType: "session",
			ResourceID: r.ID.String(), Actor: &Actor{ID: r.OperatorID}, Summary: "Signed out"})
	})
}

// sessionOperator checks a session is live and its operator active, for the
// guard.
func (s *Service) sessionOperator(ctx context.Context, operatorID, sessionID uuid.UUID) (Operator, error) {
	now := s.now()
	var o Operator
	err := s.db.ReadGlobal(ctx, func(tx *database.Tx) error {
		sess, err := sessionByID(ctx, tx, sessionID)
		if errs.Is(err, errs.KindNotFound) || (err == nil && (!sess.usable(now) || sess.OperatorID != operatorID)) {
			return errInvalidSession
		}
		if err != nil {
			return err
		}
		o, err = operatorByID(ctx, tx, operatorID, false)
		if err == nil && o.Status != StatusActive {
			return errInvalidSession
		}
		return err
	})
	return o, err
}
