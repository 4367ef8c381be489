package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Invitation is a pending invitation as administrators see it.
type Invitation struct {
	ID        uuid.UUID   `db:"id" json:"id"`
	UserID    uuid.UUID   `db:"user_id" json:"user_id"`
	Email     string      `db:"email" json:"email"`
	GroupIDs  []uuid.UUID `db:"-" json:"group_ids"`
	CreatedAt time.Time   `db:"created_at" json:"created_at"`
	ExpiresAt time.Time   `db:"expires_at" json:"expires_at"`
	Status    string      `db:"status" json:"status" enum:"pending accepted revoked expired"`
}

// NewInvitation is what an administrator sends.
type NewInvitation struct {
	Email    string      `json:"email"`
	GroupIDs []uuid.UUID `json:"group_ids"`
}

var errInvitationGone = errs.New(errs.KindNotFound, "This invitation is no longer valid; ask for a new one.").WithCode("invitation_invalid")

// Invite creates an invited user and mails them a link (from a job).
func (s *Service) Invite(ctx context.Context, n NewInvitation) (Invitation, error) {
	email, err := NormalizeEmail("email", n.Email)
	if err != nil {
		return Invitation{}, err
	}
	if len(n.GroupIDs) > 50 {
		return Invitation{}, errs.Invalid(errs.Field("group_ids", "too_many", "at most 50 groups"))
	}
	p, _ := auth.PrincipalFrom(ctx)
	licence, err := s.licences.Current(ctx)
	if err != nil {
		return Invitation{}, err
	}
	var inv Invitation
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		if err := checkGroupsExist(ctx, tx, n.GroupIDs); err != nil {
			return err
		}
		if err := checkUserLimit(ctx, tx, licence); err != nil {
			return err
		}
		var err error
		inv, err = s.inviteIn(ctx, tx, email, n.GroupIDs, p.ActorID)
		return err
	})
	return inv, err
}

// inviteIn creates the invited user and the invitation, enqueues its mail
// and audits it, inside tx. invitedBy is zero when the platform invites
// (an operator-created tenant's first admin).
func (s *Service) inviteIn(ctx context.Context, tx *database.Tx, email string, groups []uuid.UUID, invitedBy uuid.UUID) (Invitation, error) {
	u, err := insertUser(ctx, tx, email, email, UserInvited, nil)
	if err != nil {
		return Invitation{}, err
	}
	_, placeholder := auth.NewOpaqueToken() // replaced by the mail job's own token
	if groups == nil {
		groups = []uuid.UUID{}
	}
	var by *uuid.UUID
	if invitedBy != uuid.Nil {
		by = &invitedBy
	}
	var inv Invitation
	err = tx.Get(ctx, &inv, `INSERT INTO invitations (tenant_id, user_id, token_hash, group_ids, invited_by, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id, user_id, $7::text AS email, created_at, expires_at, 'pending' AS status`,
		tx.TenantID(), u.ID, placeholder, groups, by, s.now().Add(InvitationLifetime), email)
	if err != nil {
		return Invitation{}, err
	}
	inv.GroupIDs = groups
	if err := s.mailing.Queue.Enqueue(ctx, tx, InvitationMailArgs{TenantID: tx.TenantID(), InvitationID: inv.ID}, nil); err != nil {
		return Invitation{}, err
	}
	return inv, audit.Write(ctx, tx, audit.Record{Action: "users.invite", ResourceType: "user", ResourceID: u.ID.String(),
		Summary: "Invited " + email})
}

// checkUserLimit refuses a new user beyond the licence's max_users (users
// not disabled count, invited ones included).
func checkUserLimit(ctx context.Context, tx *database.Tx, l *licensing.License) error {
	limit, ok := 0, false
	if l != nil {
		limit, ok = l.Limits["max_users"]
	}
	if !ok {
		return nil
	}
	var n int
	if err := tx.Get(ctx, &n, `SELECT count(*) FROM users WHERE tenant_id = $1 AND status <> 'disabled'`, tx.TenantID()); err != nil {
		return err
	}
	if n >= limit {
		return errs.New(errs.KindPermissionDenied, fmt.Sprintf("Your licence allows %d users; disable one or ask for a larger licence.", limit)).
			WithCode("licence_limit")
	}
	return nil
}

func checkGroupsExist(ctx context.Context, tx *database.Tx, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	var n int
	if err := tx.Get(ctx, &n, `SELECT count(*) FROM groups WHERE tenant_id = $1 AND id = ANY($2)`, tx.TenantID(), ids); err != nil {
		return err
	}
	if n != len(uniqueIDs(ids)) {
		return errs.Invalid(errs.Field("group_ids", "unknown", "contains a group that does not exist"))
	}
	return nil
}

func uniqueIDs(ids []uuid.UUID) map[uuid.UUID]bool {
	m := map[uuid.UUID]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// ResendInvitation extends a pending invitation and mails a fresh link.
func (s *Service) ResendInvitation(ctx context.Context, id uuid.UUID) error {
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		n, err := tx.Exec(ctx, `UPDATE invitations SET expires_at = $3
			WHERE tenant_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL`, tx.TenantID(), id, s.now().Add(InvitationLifetime))
		if err != nil {
			return err
		}
		if n == 0 {
			return errs.NotFound("invitation")
		}
		if err := s.mailing.Queue.Enqueue(ctx, tx, InvitationMailArgs{TenantID: tx.TenantID(), InvitationID: id}, nil); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "users.invite_resend", ResourceType: "invitation", ResourceID: id.String(),
			Summary: "Invitation sent again"})
	})
}

// RevokeInvitation cancels a pending invitation and removes the invited user.
func (s *Service) RevokeInvitation(ctx context.Context, id uuid.UUID) error {
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		var userID uuid.UUID
		err := tx.Get(ctx, &userID, `UPDATE invitations SET revoked_at = now()
			WHERE tenant_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING user_id`, tx.TenantID(), id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM users WHERE tenant_id = $1 AND id = $2 AND status = 'invited'`, tx.TenantID(), userID); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "users.invite_revoke", ResourceType: "invitation", ResourceID: id.String(),
			Summary: "Invitation revoked"})
	})
}

// Invitations lists pending invitations, newest first.
func (s *Service) Invitations(ctx context.Context) ([]Invitation, error) {
	var out []Invitation
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		var rows []struct {
			Invitation
			Groups database.JSON[[]uuid.UUID] `db:"group_ids"`
		}
		if err := tx.Select(ctx, &rows, `SELECT i.id, i.user_id, u.email, to_json(i.group_ids) AS group_ids, i.created_at, i.expires_at,
				CASE WHEN i.expires_at <= now() THEN 'expired' ELSE 'pending' END AS status
			FROM invitations i JOIN users u ON u.tenant_id = i.tenant_id AND u.id = i.user_id
			WHERE i.tenant_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
			ORDER BY i.created_at DESC LIMIT 500`, tx.TenantID()); err != nil {
			return err
		}
		out = make([]Invitation, 0, len(rows))
		for _, r := range rows {
			r.Invitation.GroupIDs = r.Groups.V
			out = append(out, r.Invitation)
		}
		return nil
	})
	return out, err
}

// AcceptInvitation sets the invited user's password and name, activates
// them in the chosen groups (Read only when none were chosen) and signs
// them in.
func (s *Service) AcceptInvitation(ctx context.Context, token, password, displayName string) (*Tokens, error) {
	ctx, tenantID, err := s.tokenTenant(ctx, "invitation", token, errInvitationGone)
	if err != nil {
		return nil, err
	}
	name, fe := requireText("display_name", displayName, 200)
	if fe != nil {
		return nil, errs.Invalid(*fe)
	}
	var tokens *Tokens
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		var inv struct {
			ID     uuid.UUID                  `db:"id"`
			UserID uuid.UUID                  `db:"user_id"`
			Email  string                     `db:"email"`
			Groups database.JSON[[]uuid.UUID] `db:"group_ids"`
			Usable bool                       `db:"usable"`
		}
		err := tx.Get(ctx, &inv, `SELECT i.id, i.user_id, u.email, to_json(i.group_ids) AS group_ids,
				(i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()) AS usable
			FROM invitations i JOIN users u ON u.tenant_id = i.tenant_id AND u.id = i.user_id
			WHERE i.tenant_id = $1 AND i.token_hash = $2 FOR UPDATE OF i`, tx.TenantID(), auth.HashToken(token))
		if errs.Is(err, errs.KindNotFound) || (err == nil && !inv.Usable) {
			return errInvitationGone
		}
		if err != nil {
			return err
		}
		// Accepting signs the user in, which a tenant that is not active
		// refuses; the invitation stays valid until it is.
		var tenantStatus string
		if err := tx.Get(ctx, &tenantStatus, `SELECT status FROM tenants WHERE id = $1`, tx.TenantID()); err != nil {
			return err
		}
		switch tenantStatus {
		case "pending":
			return errTenantPending
		case "suspended":
			return errTenantSuspended
		case "deleted":
			return errInvitationGone
		}
		hash, err := s.newPasswordHash(password, inv.Email)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $3, display_name = $4, status = 'active', updated_at = now()
			WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), inv.UserID, hash, name); err != nil {
			return err
		}
		groups := inv.Groups.V
		if len(groups) == 0 {
			var readOnly uuid.UUID
			if err := tx.Get(ctx, &readOnly, `SELECT id FROM groups WHERE tenant_id = $1 AND built_in = 'read_only'`, tx.TenantID()); err != nil {
				return err
			}
			groups = []uuid.UUID{readOnly}
		}
		for _, g := range groups {
			if err := addMember(ctx, tx, g, inv.UserID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE invitations SET accepted_at = now() WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), inv.ID); err != nil {
			return err
		}
		actor := auth.Principal{Kind: auth.KindUser, TenantID: tenantID, ActorID: inv.UserID}
		if err := audit.Write(ctx, tx, audit.Record{Action: "users.invite_accept", ResourceType: "user", ResourceID: inv.UserID.String(),
			Actor: &actor, ActorLabel: inv.Email, Summary: "Invitation accepted"}); err != nil {
			return err
		}
		u, err := userByID(ctx, tx, inv.UserID)
		if err != nil {
			return err
		}
		tokens, err = s.startSession(ctx, tx, u, s.now())
		return err
	})
	return tokens, err
}
