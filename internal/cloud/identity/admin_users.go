package identity

import (
	"context"
	"strconv"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
)

// Users lists the tenant's users in e-mail order after afterEmail; it
// fetches limit+1 rows so the caller knows whether a page follows.
func (s *Service) Users(ctx context.Context, f UserFilter, afterEmail string, limit int) ([]ManagedUser, error) {
	f, err := f.normalized()
	if err != nil {
		return nil, err
	}
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]ManagedUser, error) {
		return listUsers(ctx, tx, f, afterEmail, limit+1)
	})
}

// UserWithGroups returns a user and the groups they belong to.
func (s *Service) UserWithGroups(ctx context.Context, id uuid.UUID) (UserDetail, error) {
	var d UserDetail
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		var err error
		if d.ManagedUser, err = managedUserByID(ctx, tx, id); err != nil {
			return err
		}
		d.Groups, err = userGroups(ctx, tx, id)
		return err
	})
	return d, err
}

// UpdateUser applies a patch made at a version the caller read.
func (s *Service) UpdateUser(ctx context.Context, id uuid.UUID, p UserPatch) (ManagedUser, error) {
	p, err := p.normalized()
	if err != nil {
		return ManagedUser{}, err
	}
	var u ManagedUser
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		before, err := lockManagedUser(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Version != p.Version {
			return errVersionConflict
		}
		if p.DisplayName == nil || *p.DisplayName == before.DisplayName {
			u = before
			return nil
		}
		if u, err = setDisplayName(ctx, tx, id, *p.DisplayName); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "users.update", ResourceType: "user", ResourceID: id.String(),
			Summary: "User " + u.Email + " updated",
			Changes: map[string]audit.Change{"display_name": {Before: before.DisplayName, After: u.DisplayName}}})
	})
	return u, err
}

// DisableUser stops a user signing in and ends their sessions, so their
// access tokens stop working at once on this replica (and within the grant
// cache's lifetime on the others). Nobody can disable themselves, and the
// Admin group keeps an active member.
func (s *Service) DisableUser(ctx context.Context, id uuid.UUID) (ManagedUser, error) {
	if err := refuseOwnAccount(ctx, id); err != nil {
		return ManagedUser{}, err
	}
	var u ManagedUser
	var ended []uuid.UUID
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		// The Admin group is locked before the user's row, as in every
		// change that can remove an admin, so these changes cannot deadlock.
		if err := keepAnAdmin(ctx, tx, id); err != nil {
			return err
		}
		before, err := lockManagedUser(ctx, tx, id)
		if err != nil || before.Status == UserDisabled {
			u = before
			return err
		}
		if u, err = setStatus(ctx, tx, id, UserDisabled); err != nil {
			return err
		}
		if ended, err = revokeUserSessions(ctx, tx, id, "user_disabled", s.now()); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "users.disable", ResourceType: "user", ResourceID: id.String(),
			Summary: "User " + u.Email + " disabled; " + strconv.Itoa(len(ended)) + " sessions ended",
			Changes: map[string]audit.Change{"status": {Before: before.Status, After: u.Status}}})
	})
	if err == nil {
		s.forgetSessions(ended)
	}
	return u, err
}

// EnableUser lets a disabled user sign in again. An invited user has no
// credentials yet: accepting the invitation activates them.
func (s *Service) EnableUser(ctx context.Context, id uuid.UUID) (ManagedUser, error) {
	var u ManagedUser
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		before, err := lockManagedUser(ctx, tx, id)
		if err != nil || before.Status == UserActive {
			u = before
			return err
		}
		if before.Status == UserInvited {
			return errUserInvited
		}
		if u, err = setStatus(ctx, tx, id, UserActive); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "users.enable", ResourceType: "user", ResourceID: id.String(),
			Summary: "User " + u.Email + " enabled",
			Changes: map[string]audit.Change{"status": {Before: before.Status, After: u.Status}}})
	})
	return u, err
}

// EndUserSessions signs a user out everywhere and returns how many sessions
// were live. It is recorded even when none was: an administrator acted.
func (s *Service) EndUserSessions(ctx context.Context, id uuid.UUID) (int, error) {
	var ended []uuid.UUID
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		u, err := userByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if ended, err = revokeUserSessions(ctx, tx, id, "ended_by_admin", s.now()); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "users.sessions.end", ResourceType: "user", ResourceID: id.String(),
			Summary: strconv.Itoa(len(ended)) + " sessions of " + u.Email + " ended"})
	})
	if err != nil {
		return 0, err
	}
	s.forgetSessions(ended)
	return len(ended), nil
}

// RemoveUser deletes a user with their memberships and sessions. Nobody can
// remove themselves, and the Admin group keeps an active member.
func (s *Service) RemoveUser(ctx context.Context, id uuid.UUID) error {
	if err := refuseOwnAccount(ctx, id); err != nil {
		return err
	}
	var sessions []uuid.UUID
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		if err := keepAnAdmin(ctx, tx, id); err != nil {
			return err
		}
		u, err := lockManagedUser(ctx, tx, id)
		if err != nil {
			return err
		}
		if sessions, err = deleteUser(ctx, tx, id); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "users.delete", ResourceType: "user", ResourceID: id.String(),
			Summary: "User " + u.Email + " removed",
			Changes: map[string]audit.Change{
				"email": {Before: u.Email}, "display_name": {Before: u.DisplayName}, "status": {Before: u.Status},
			}})
	})
	if err == nil {
		s.forgetSessions(sessions)
	}
	return err
}

// refuseOwnAccount stops administrators locking themselves out.
func refuseOwnAccount(ctx context.Context, id uuid.UUID) error {
	if p, ok := auth.PrincipalFrom(ctx); ok && p.Kind == auth.KindUser && p.ActorID == id {
		return errOwnAccount
	}
	return nil
}

// forgetSessions drops the cached grants of ended sessions, so their access
// tokens fail on the next request instead of when the cache expires.
func (s *Service) forgetSessions(ids []uuid.UUID) {
	for _, id := range ids {
		s.perms.forgetSession(id)
	}
}
