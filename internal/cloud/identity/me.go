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

// Session is one signed-in device, as its owner sees it.
type Session struct {
	ID         uuid.UUID `db:"id" json:"id"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
	LastUsedAt time.Time `db:"last_used_at" json:"last_used_at"`
	IP         *string   `db:"ip" json:"ip"`
	UserAgent  string    `db:"user_agent" json:"user_agent"`
	Current    bool      `db:"current" json:"current"`
}

// MySessions lists the live sessions of the signed-in user.
func (s *Service) MySessions(ctx context.Context, current uuid.UUID) ([]Session, error) {
	p, _ := auth.PrincipalFrom(ctx)
	var out []Session
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		return tx.Select(ctx, &out, `SELECT id, created_at, last_used_at, host(ip) AS ip, user_agent, id = $3 AS current
			FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $4 AND idle_expires_at > $4
			ORDER BY last_used_at DESC LIMIT 200`, tx.TenantID(), p.ActorID, current, s.now())
	})
	if out == nil {
		out = []Session{}
	}
	return out, err
}

// EndMySession ends one of the signed-in user's sessions.
func (s *Service) EndMySession(ctx context.Context, id uuid.UUID) error {
	p, _ := auth.PrincipalFrom(ctx)
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		n, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = $4, revoked_reason = 'ended_by_user'
			WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL`, tx.TenantID(), p.ActorID, id, s.now())
		if err != nil {
			return err
		}
		if n == 0 {
			return errs.NotFound("session")
		}
		s.perms.forgetSession(id)
		return audit.Write(ctx, tx, audit.Record{Action: "auth.session_end", ResourceType: "session", ResourceID: id.String(),
			Summary: "Session ended by its owner"})
	})
}

// ProfilePatch changes the signed-in user's own profile. Changing the
// e-mail or the password needs the current password.
type ProfilePatch struct {
	DisplayName     *string `json:"display_name,omitempty"`
	Locale          *string `json:"locale,omitempty"`
	Appearance      *string `json:"appearance,omitempty" enum:"system light dark"`
	Email           *string `json:"email,omitempty"`
	NewPassword     *string `json:"new_password,omitempty"`
	CurrentPassword string  `json:"current_password,omitempty"`
}

// UpdateProfile applies a ProfilePatch for the signed-in user.
func (s *Service) UpdateProfile(ctx context.Context, current uuid.UUID, p ProfilePatch) (User, error) {
	principal, _ := auth.PrincipalFrom(ctx)
	var out User
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		st, err := lockLoginState(ctx, tx, principal.ActorID)
		if err != nil {
			return err
		}
		u, changes, hash, err := s.profileChanges(st, p)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET display_name = $3, locale = $4, appearance = $5, email = $6,
			password_hash = coalesce($7, password_hash), updated_at = now(), version = version + 1
			WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), u.ID, u.DisplayName, u.Locale, u.Appearance, u.Email, hash); err != nil {
			if errs.Is(err, errs.KindConflict) {
				return errs.Invalid(errs.Field("email", "taken", "is already registered"))
			}
			return err
		}
		if hash != nil { // a new password ends every other session
			if _, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = now(), revoked_reason = 'password_changed'
				WHERE tenant_id = $1 AND user_id = $2 AND id <> $3 AND revoked_at IS NULL`, tx.TenantID(), u.ID, current); err != nil {
				return err
			}
			s.perms.forgetAll()
		}
		out = u
		return audit.Write(ctx, tx, audit.Record{Action: "users.profile_update", ResourceType: "user", ResourceID: u.ID.String(),
			Summary: "Own profile changed", Changes: changes})
	})
	return out, err
}

// profileChanges validates p against the stored user and returns the new
// user, the audit changes and, for a password change, the new hash.
func (s *Service) profileChanges(st loginState, p ProfilePatch) (User, map[string]audit.Change, *string, error) {
	u := st.User
	changes := map[string]audit.Change{}
	var fields []errs.FieldError
	if p.DisplayName != nil {
		name, fe := requireText("display_name", *p.DisplayName, 200)
		if fe != nil {
			fields = append(fields, *fe)
		}
		changes["display_name"] = audit.Change{Before: u.DisplayName, After: name}
		u.DisplayName = name
	}
	if p.Locale != nil {
		if len(*p.Locale) < 2 || len(*p.Locale) > 16 {
			fields = append(fields, errs.Field("locale", "invalid", "must be a language tag like en or de-CH"))
		}
		u.Locale = *p.Locale
	}
	if p.Appearance != nil {
		if *p.Appearance != "system" && *p.Appearance != "light" && *p.Appearance != "dark" {
			fields = append(fields, errs.Field("appearance", "invalid", "must be system, light or dark"))
		}
		u.Appearance = *p.Appearance
	}
	sensitive := p.Email != nil || p.NewPassword != nil
	if sensitive && checkPassword(st, p.CurrentPassword) != nil {
		fields = append(fields, errs.Field("current_password", "invalid", "is needed, and must be right, to change the e-mail or password"))
	}
	if p.Email != nil {
		email, err := NormalizeEmail("email", *p.Email)
		fields = append(fields, fieldsOf(err)...)
		changes["email"] = audit.Change{Before: u.Email, After: email}
		u.Email = email
	}
	var hash *string
	if p.NewPassword != nil {
		fields = append(fields, fieldsOf(auth.CheckPasswordRules("new_password", *p.NewPassword, u.Email))...)
		if len(fields) == 0 {
			h, err := s.cfg.Passwords.Hash(*p.NewPassword)
			if err != nil {
				return User{}, nil, nil, err
			}
			hash = &h
			changes["password"] = audit.Change{Before: audit.Redacted, After: audit.Redacted}
		}
	}
	if len(fields) > 0 {
		return User{}, nil, nil, errs.Invalid(fields...)
	}
	return u, changes, hash, nil
}

// SignInMethod tells the login form what to ask for. Every address gets an
// answer of the same shape; only tenants enforcing SSO answer "sso".
func (s *Service) SignInMethod(ctx context.Context, email string) (string, error) {
	email, err := NormalizeEmail("email", email)
	if err != nil {
		return "", err
	}
	tenantID, _, found, err := s.lookupLogin(ctx, email)
	if err != nil || !found {
		return "password", err
	}
	ctx = auth.WithPrincipal(ctx, auth.System(tenantID))
	var policy string
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		return tx.Get(ctx, &policy, `SELECT auth_policy FROM tenants WHERE id = $1`, tx.TenantID())
	})
	if policy == "restricted" {
		return "sso", err
	}
	return "password", err
}
