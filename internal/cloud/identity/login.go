package identity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
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
	User         User
	// MFAEnrollmentRequired: the tenant requires MFA and the user has none.
	MFAEnrollmentRequired bool
}

// LoginResult is either tokens or a pending MFA step.
type LoginResult struct {
	Tokens       *Tokens
	MFARequired  bool
	SessionToken string // single-use, for /auth/mfa/verify
}

// Login checks an e-mail and password. Unknown e-mails, wrong passwords and
// disabled users get the same answer after the same work.
func (s *Service) Login(ctx context.Context, email, password string) (LoginResult, error) {
	email, _ = NormalizeEmail("email", email)
	tenantID, userID, found, err := s.lookupLogin(ctx, email)
	if err != nil {
		return LoginResult{}, err
	}
	if !found || email == "" {
		s.cfg.Passwords.SpendWork(password)
		return LoginResult{}, errInvalidCredentials
	}

	ctx = auth.WithPrincipal(ctx, auth.System(tenantID))
	actor := auth.Principal{Kind: auth.KindUser, TenantID: tenantID, ActorID: userID}
	now := s.now()
	var result LoginResult
	var failure error
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		st, err := lockLoginState(ctx, tx, userID)
		if err != nil {
			return err
		}
		if st.LockedUntil != nil && now.Before(*st.LockedUntil) {
			s.cfg.Passwords.SpendWork(password)
			failure = errLocked(*st.LockedUntil, now)
			return audit.Write(ctx, tx, audit.Record{Action: "auth.login_locked", ResourceType: "user",
				ResourceID: userID.String(), Actor: &actor, ActorLabel: st.Email, Summary: "Sign-in refused: account locked"})
		}
		ok := st.PasswordHash != nil && auth.PasswordMatches(*st.PasswordHash, password)
		if st.PasswordHash == nil {
			s.cfg.Passwords.SpendWork(password)
		}
		if !ok || st.Status != UserActive || st.TenantStatus == "deleted" {
			failure = errInvalidCredentials
			locked, err := recordFailure(ctx, tx, st, now)
			if err != nil {
				return err
			}
			rec := audit.Record{Action: "auth.login_failed", ResourceType: "user", ResourceID: userID.String(),
				Actor: &actor, ActorLabel: st.Email, Summary: "Sign-in failed"}
			if locked != nil {
				rec.Action, rec.Summary = "auth.lockout", "Account locked after repeated failed sign-ins"
			}
			return audit.Write(ctx, tx, rec)
		}
		switch st.TenantStatus {
		case "pending":
			failure = errTenantPending
			return nil
		case "suspended":
			failure = errTenantSuspended
			return nil
		}
		if st.MFAEnabled {
			token, hash := auth.NewOpaqueToken()
			if _, err := tx.Exec(ctx, `INSERT INTO mfa_challenges (tenant_id, token_hash, user_id, expires_at) VALUES ($1, $2, $3, $4)`,
				tenantID, hash, userID, now.Add(MFAChallengeLifetime)); err != nil {
				return err
			}
			result = LoginResult{MFARequired: true, SessionToken: token}
			return audit.Write(ctx, tx, audit.Record{Action: "auth.login_password", ResourceType: "user", ResourceID: userID.String(),
				Actor: &actor, ActorLabel: st.Email, Summary: "Password accepted; waiting for the second factor"})
		}
		tokens, err := s.startSession(ctx, tx, st.User, now)
		result = LoginResult{Tokens: tokens}
		return err
	})
	if err != nil {
		return LoginResult{}, err
	}
	return result, failure
}

// lookupLogin finds the tenant and user of an e-mail address (pre-tenant
// lookup through the allowlisted SECURITY DEFINER function).
func (s *Service) lookupLogin(ctx context.Context, email string) (tenantID, userID uuid.UUID, found bool, err error) {
	var row struct {
		TenantID uuid.UUID `db:"tenant_id"`
		UserID   uuid.UUID `db:"user_id"`
	}
	err = s.db.ReadGlobal(ctx, func(tx *database.Tx) error {
		return tx.Get(ctx, &row, `SELECT tenant_id, user_id FROM auth_login_lookup($1)`, email)
	})
	if errs.Is(err, errs.KindNotFound) {
		return uuid.Nil, uuid.Nil, false, nil
	}
	return row.TenantID, row.UserID, err == nil, err
}

// startSession records a successful sign-in and issues tokens.
func (s *Service) startSession(ctx context.Context, tx *database.Tx, u User, now time.Time) (*Tokens, error) {
	if err := recordSuccess(ctx, tx, u.ID, now); err != nil {
		return nil, err
	}
	meta := requestmeta.From(ctx)
	sessionID, err := insertSession(ctx, tx, u.ID, now, s.cfg.RefreshTTL, meta.IP, meta.UserAgent)
	if err != nil {
		return nil, err
	}
	refresh, hash := auth.NewOpaqueToken()
	if err := insertRefreshToken(ctx, tx, sessionID, hash); err != nil {
		return nil, err
	}
	access, claims, err := s.cfg.Signer.Issue(u.ID, tx.TenantID(), sessionID)
	if err != nil {
		return nil, err
	}
	actor := auth.Principal{Kind: auth.KindUser, TenantID: tx.TenantID(), ActorID: u.ID}
	if err := audit.Write(ctx, tx, audit.Record{Action: "auth.login", ResourceType: "session", ResourceID: sessionID.String(),
		Actor: &actor, ActorLabel: u.Email, Summary: "Signed in"}); err != nil {
		return nil, err
	}
	var policy string
	if err := tx.Get(ctx, &policy, `SELECT mfa_policy FROM tenants WHERE id = $1`, tx.TenantID()); err != nil {
		return nil, err
	}
	u.LastLoginAt = &now
	return &Tokens{AccessToken: access, ExpiresIn: int(claims.ExpiresAt.Sub(claims.IssuedAt).Seconds()),
		RefreshToken: refresh, User: u, MFAEnrollmentRequired: policy == "required" && !u.MFAEnabled}, nil
}

// tokenTenant finds the tenant an opaque token belongs to (pre-tenant
// lookup through the allowlisted SECURITY DEFINER function) and returns ctx
// acting for it. An unknown token answers unknown (which may be nil: then
// the tenant id is zero).
func (s *Service) tokenTenant(ctx context.Context, kind, token string, unknown error) (context.Context, uuid.UUID, error) {
	var tenantID *uuid.UUID
	err := s.db.ReadGlobal(ctx, func(tx *database.Tx) error {
		return tx.Get(ctx, &tenantID, `SELECT auth_token_tenant($1, $2)`, kind, auth.HashToken(token))
	})
	if err != nil {
		return ctx, uuid.Nil, err
	}
	if tenantID == nil {
		return ctx, uuid.Nil, unknown
	}
	return auth.WithPrincipal(ctx, auth.System(*tenantID)), *tenantID, nil
}

// Refresh rotates a refresh token. A token that was already rotated means
// it was stolen or replayed: the whole session is revoked.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (*Tokens, error) {
	if refreshToken == "" {
		return nil, errInvalidSession
	}
	ctx, tenantID, err := s.tokenTenant(ctx, "refresh", refreshToken, errInvalidSession)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var tokens *Tokens
	var failure error
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		oldHash := auth.HashToken(refreshToken)
		r, err := lockRefreshToken(ctx, tx, oldHash)
		if err != nil {
			return err
		}
		actor := auth.Principal{Kind: auth.KindUser, TenantID: tenantID, ActorID: r.UserID}
		if r.RotatedAt != nil {
			failure = errInvalidSession
			if r.RevokedAt != nil {
				return nil
			}
			if err := revokeSession(ctx, tx, r.SessionID, "refresh_token_reuse", now); err != nil {
				return err
			}
			s.perms.forgetSession(r.SessionID)
			return audit.Write(ctx, tx, audit.Record{Action: "auth.refresh_reuse", ResourceType: "session",
				ResourceID: r.SessionID.String(), Actor: &actor,
				Summary: "A rotated refresh token was presented again; the session was revoked"})
		}
		if !r.usable(now) {
			failure = errInvalidSession
			return nil
		}
		u, err := userByID(ctx, tx, r.UserID)
		if err != nil || u.Status != UserActive {
			failure = errInvalidSession
			return nil
		}
		var tenantStatus string
		if err := tx.Get(ctx, &tenantStatus, `SELECT status FROM tenants WHERE id = $1`, tenantID); err != nil {
			return err
		}
		if tenantStatus != "active" {
			failure = errInvalidSession
			return nil
		}
		newToken, newHash := auth.NewOpaqueToken()
		if err := rotateRefreshToken(ctx, tx, oldHash, newHash, r.SessionID, now, s.cfg.RefreshTTL); err != nil {
			return err
		}
		access, claims, err := s.cfg.Signer.Issue(u.ID, tenantID, r.SessionID)
		if err != nil {
			return err
		}
		tokens = &Tokens{AccessToken: access, ExpiresIn: int(claims.ExpiresAt.Sub(claims.IssuedAt).Seconds()),
			RefreshToken: newToken, User: u}
		return nil
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
	ctx, tenantID, err := s.tokenTenant(ctx, "refresh", refreshToken, nil)
	if err != nil || tenantID == uuid.Nil {
		return err
	}
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		r, err := lockRefreshToken(ctx, tx, auth.HashToken(refreshToken))
		if err != nil || r.RevokedAt != nil {
			return ignoreNotFound(err)
		}
		if err := revokeSession(ctx, tx, r.SessionID, "logout", s.now()); err != nil {
			return err
		}
		s.perms.forgetSession(r.SessionID)
		actor := auth.Principal{Kind: auth.KindUser, TenantID: tenantID, ActorID: r.UserID}
		return audit.Write(ctx, tx, audit.Record{Action: "auth.logout", ResourceType: "session",
			ResourceID: r.SessionID.String(), Actor: &actor, Summary: "Signed out"})
	})
}

func ignoreNotFound(err error) error {
	if errs.Is(err, errs.KindNotFound) {
		return nil
	}
	return err
}
