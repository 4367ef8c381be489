package identity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// MFASetup is what an authenticator app needs.
type MFASetup struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
}

var (
	errMFAAlreadyOn = errs.New(errs.KindConflict, "Two-factor sign-in is already on.").WithCode("mfa_already_enabled")
	errMFANotOn     = errs.New(errs.KindConflict, "Two-factor sign-in is not on.").WithCode("mfa_not_enabled")
	errNoPending    = errs.New(errs.KindConflict, "Start the set-up first.").WithCode("mfa_setup_missing")
	errBadCode      = errs.Invalid(errs.Field("code", "invalid", "is not the current code of your authenticator app"))
	errBadPassword  = errs.Invalid(errs.Field("password", "invalid", "is not your current password"))
	errMFAPolicy    = errs.New(errs.KindConflict, "Your organisation requires two-factor sign-in.").WithCode("mfa_required_by_policy")
)

// ownerData binds a sealed TOTP secret to its user: it cannot be copied to
// another row.
func ownerData(tenantID, userID uuid.UUID) []byte {
	return []byte(tenantID.String() + "/" + userID.String())
}

// SetupMFA starts TOTP enrolment for the signed-in user.
func (s *Service) SetupMFA(ctx context.Context) (MFASetup, error) {
	p, _ := auth.PrincipalFrom(ctx)
	var out MFASetup
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		st, err := lockLoginState(ctx, tx, p.ActorID)
		if err != nil {
			return err
		}
		if st.MFAEnabled {
			return errMFAAlreadyOn
		}
		secret, url, err := auth.NewTOTP(s.cfg.MFAIssuer, st.Email)
		if err != nil {
			return err
		}
		sealed := s.cfg.Sealer.Seal([]byte(secret), ownerData(tx.TenantID(), p.ActorID))
		if _, err := tx.Exec(ctx, `UPDATE users SET totp_pending_secret = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
			tx.TenantID(), p.ActorID, sealed); err != nil {
			return err
		}
		out = MFASetup{Secret: secret, OTPAuthURL: url}
		return nil
	})
	return out, err
}

// ConfirmMFA checks the first code, switches MFA on and returns the
// recovery codes (shown once).
func (s *Service) ConfirmMFA(ctx context.Context, code string) ([]string, error) {
	p, _ := auth.PrincipalFrom(ctx)
	var codes []string
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		row := struct {
			Pending *string `db:"totp_pending_secret"`
			Enabled bool    `db:"mfa_enabled"`
		}{}
		if err := tx.Get(ctx, &row, `SELECT totp_pending_secret, mfa_enabled FROM users WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
			tx.TenantID(), p.ActorID); err != nil {
			return err
		}
		if row.Enabled {
			return errMFAAlreadyOn
		}
		if row.Pending == nil {
			return errNoPending
		}
		secret, err := s.cfg.Sealer.Open(*row.Pending, ownerData(tx.TenantID(), p.ActorID))
		if err != nil {
			return err
		}
		step, ok := auth.MatchTOTP(string(secret), code, s.now())
		if !ok {
			return errBadCode
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL,
			mfa_enabled = true, totp_last_step = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
			tx.TenantID(), p.ActorID, step); err != nil {
			return err
		}
		if codes, err = replaceRecoveryCodes(ctx, tx, p.ActorID); err != nil {
			return err
		}
		s.perms.forgetAll()
		return audit.Write(ctx, tx, audit.Record{Action: "auth.mfa_enroll", ResourceType: "user", ResourceID: p.ActorID.String(),
			Summary: "Two-factor sign-in switched on"})
	})
	return codes, err
}

func replaceRecoveryCodes(ctx context.Context, tx *database.Tx, userID uuid.UUID) ([]string, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE tenant_id = $1 AND user_id = $2`, tx.TenantID(), userID); err != nil {
		return nil, err
	}
	codes, hashes := auth.NewRecoveryCodes()
	for _, h := range hashes {
		if _, err := tx.Exec(ctx, `INSERT INTO recovery_codes (tenant_id, user_id, code_hash) VALUES ($1, $2, $3)`,
			tx.TenantID(), userID, h); err != nil {
			return nil, err
		}
	}
	return codes, nil
}

// checkPassword re-authenticates the signed-in user for sensitive changes.
func checkPassword(st loginState, password string) error {
	if st.PasswordHash == nil || !auth.PasswordMatches(*st.PasswordHash, password) {
		return errBadPassword
	}
	return nil
}

// mfaOwnerAgain locks the user, checks the password given again and that
// MFA is on: the common gate of changes to a user's second factor.
func mfaOwnerAgain(ctx context.Context, tx *database.Tx, userID uuid.UUID, password string) (loginState, error) {
	st, err := lockLoginState(ctx, tx, userID)
	if err != nil {
		return loginState{}, err
	}
	if err := checkPassword(st, password); err != nil {
		return loginState{}, err
	}
	if !st.MFAEnabled {
		return loginState{}, errMFANotOn
	}
	return st, nil
}

// DisableMFA switches MFA off after the password is given again, unless the
// tenant requires it.
func (s *Service) DisableMFA(ctx context.Context, password string) error {
	p, _ := auth.PrincipalFrom(ctx)
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		st, err := mfaOwnerAgain(ctx, tx, p.ActorID, password)
		if err != nil {
			return err
		}
		if st.TenantMFAPol == "required" {
			return errMFAPolicy
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET mfa_enabled = false, totp_secret = NULL, totp_pending_secret = NULL,
			updated_at = now() WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), p.ActorID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE tenant_id = $1 AND user_id = $2`, tx.TenantID(), p.ActorID); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "auth.mfa_disable", ResourceType: "user", ResourceID: p.ActorID.String(),
			Summary: "Two-factor sign-in switched off"})
	})
}

// RegenerateRecoveryCodes replaces the recovery codes after the password is
// given again.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, password string) ([]string, error) {
	p, _ := auth.PrincipalFrom(ctx)
	var codes []string
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		if _, err := mfaOwnerAgain(ctx, tx, p.ActorID, password); err != nil {
			return err
		}
		var err error
		if codes, err = replaceRecoveryCodes(ctx, tx, p.ActorID); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "auth.mfa_recovery_codes", ResourceType: "user",
			ResourceID: p.ActorID.String(), Summary: "Recovery codes replaced"})
	})
	return codes, err
}

// VerifyMFA completes a sign-in with a TOTP code or a recovery code.
func (s *Service) VerifyMFA(ctx context.Context, sessionToken, totpCode, recoveryCode string) (*Tokens, error) {
	if sessionToken == "" || (totpCode == "") == (recoveryCode == "") {
		return nil, errs.Invalid(errs.Field("totp_code", "required", "send session_token with either totp_code or recovery_code"))
	}
	ctx, tenantID, err := s.tokenTenant(ctx, "mfa", sessionToken, errInvalidMFA)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var tokens *Tokens
	var failure error
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		var ch struct {
			UserID   uuid.UUID `db:"user_id"`
			Usable   bool      `db:"usable"`
			Attempts int       `db:"attempts"`
		}
		hash := auth.HashToken(sessionToken)
		if err := tx.Get(ctx, &ch, `SELECT user_id, (used_at IS NULL AND expires_at > $3) AS usable, attempts
			FROM mfa_challenges WHERE tenant_id = $1 AND token_hash = $2 FOR UPDATE`, tx.TenantID(), hash, now); err != nil {
			return err
		}
		if !ch.Usable || ch.Attempts >= MaxMFAAttempts {
			failure = errInvalidMFA
			return nil
		}
		st, err := lockLoginState(ctx, tx, ch.UserID)
		if err != nil {
			return err
		}
		actor := auth.Principal{Kind: auth.KindUser, TenantID: tenantID, ActorID: ch.UserID}
		matched, err := s.secondFactorMatches(ctx, tx, st, totpCode, recoveryCode, now)
		if err != nil {
			return err
		}
		if !matched || st.Status != UserActive || st.TenantStatus != "active" {
			failure = errInvalidMFA
			if _, err := tx.Exec(ctx, `UPDATE mfa_challenges SET attempts = attempts + 1 WHERE tenant_id = $1 AND token_hash = $2`,
				tx.TenantID(), hash); err != nil {
				return err
			}
			return audit.Write(ctx, tx, audit.Record{Action: "auth.mfa_failed", ResourceType: "user", ResourceID: ch.UserID.String(),
				Actor: &actor, ActorLabel: st.Email, Summary: "Wrong second factor"})
		}
		if _, err := tx.Exec(ctx, `UPDATE mfa_challenges SET used_at = $3 WHERE tenant_id = $1 AND token_hash = $2`,
			tx.TenantID(), hash, now); err != nil {
			return err
		}
		tokens, err = s.startSession(ctx, tx, st.User, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return tokens, failure
}

// secondFactorMatches checks a TOTP code (newer than the last one used) or
// consumes an unused recovery code.
func (s *Service) secondFactorMatches(ctx context.Context, tx *database.Tx, st loginState, totpCode, recoveryCode string, now time.Time) (bool, error) {
	if recoveryCode != "" {
		n, err := tx.Exec(ctx, `UPDATE recovery_codes SET used_at = $4
			WHERE tenant_id = $1 AND user_id = $2 AND code_hash = $3 AND used_at IS NULL`,
			tx.TenantID(), st.ID, auth.HashRecoveryCode(recoveryCode), now)
		return n == 1, err
	}
	if st.TOTPSecret == nil {
		return false, nil
	}
	secret, err := s.cfg.Sealer.Open(*st.TOTPSecret, ownerData(tx.TenantID(), st.ID))
	if err != nil {
		return false, err
	}
	step, ok := auth.MatchTOTP(string(secret), totpCode, now)
	if !ok || step <= st.TOTPLastStep {
		return false, nil
	}
	_, err = tx.Exec(ctx, `UPDATE users SET totp_last_step = $3 WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), st.ID, step)
	return err == nil, err
}
