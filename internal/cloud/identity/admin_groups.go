package identity

import (
	"context"
	"strconv"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Groups lists the tenant's groups in name order, starting after the given
// key; it fetches limit+1 rows so the caller knows whether a page follows.
func (s *Service) Groups(ctx context.Context, after groupKey, limit int) ([]Group, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]Group, error) {
		return listGroups(ctx, tx, after, limit+1)
	})
}

// GroupWithMembers returns a group and its members.
func (s *Service) GroupWithMembers(ctx context.Context, id uuid.UUID) (GroupDetail, error) {
	var d GroupDetail
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		var err error
		if d.Group, err = groupByID(ctx, tx, id); err != nil {
			return err
		}
		d.Members, err = groupMembers(ctx, tx, id)
		return err
	})
	return d, err
}

// CreateGroup adds a custom group whose grants callerGrants cover. It has
// no members yet, so no cached grants change.
func (s *Service) CreateGroup(ctx context.Context, callerGrants []string, n NewGroup) (Group, error) {
	n, err := n.normalized()
	if err != nil {
		return Group{}, err
	}
	if err := requireHeld(callerGrants, n.Permissions); err != nil {
		return Group{}, err
	}
	var g Group
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		id, err := insertGroup(ctx, tx, n.Name, n.Description, n.Permissions, "")
		if errs.Is(err, errs.KindConflict) {
			return errGroupNameTaken
		}
		if err != nil {
			return err
		}
		if g, err = groupByID(ctx, tx, id); err != nil {
			return err
		}
		changes := map[string]audit.Change{"name": {After: g.Name}, "permissions": {After: g.Permissions}}
		if g.Description != "" {
			changes["description"] = audit.Change{After: g.Description}
		}
		return audit.Write(ctx, tx, audit.Record{Action: "groups.create", ResourceType: "group", ResourceID: id.String(),
			Summary: "Group " + g.Name + " created", Changes: changes})
	})
	return g, err
}

// UpdateGroup applies a patch made at a version the caller read. New
// permissions must be covered by callerGrants; a patch that leaves them as
// they are needs no such check. Built-in groups keep their name and
// permissions: the product relies on them.
func (s *Service) UpdateGroup(ctx context.Context, callerGrants []string, id uuid.UUID, p GroupPatch) (Group, error) {
	p, err := p.normalized()
	if err != nil {
		return Group{}, err
	}
	var g Group
	changed := false
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		before, err := lockGroup(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Version != p.Version {
			return errVersionConflict
		}
		after := p.applyTo(before)
		changes := groupChanges(before, after)
		if len(changes) == 0 {
			g = before
			return nil
		}
		_, renamed := changes["name"]
		_, regranted := changes["permissions"]
		if regranted {
			if err := requireHeld(callerGrants, after.Permissions); err != nil {
				return err
			}
		}
		if before.BuiltIn != "" && (renamed || regranted) {
			return errBuiltInGroup
		}
		err = updateGroup(ctx, tx, after)
		if errs.Is(err, errs.KindConflict) {
			return errGroupNameTaken
		}
		if err != nil {
			return err
		}
		if g, err = groupByID(ctx, tx, id); err != nil {
			return err
		}
		changed = true
		return audit.Write(ctx, tx, audit.Record{Action: "groups.update", ResourceType: "group", ResourceID: id.String(),
			Summary: "Group " + g.Name + " updated", Changes: changes})
	})
	if err == nil && changed {
		s.perms.forgetAll()
	}
	return g, err
}

// groupChanges lists the fields that differ, before and after.
func groupChanges(before, after Group) map[string]audit.Change {
	changes := map[string]audit.Change{}
	if before.Name != after.Name {
		changes["name"] = audit.Change{Before: before.Name, After: after.Name}
	}
	if before.Description != after.Description {
		changes["description"] = audit.Change{Before: before.Description, After: after.Description}
	}
	if !sameGrants(before.Permissions, after.Permissions) {
		changes["permissions"] = audit.Change{Before: before.Permissions, After: after.Permissions}
	}
	return changes
}

// DeleteGroup removes a custom group; its members lose its grants at once.
func (s *Service) DeleteGroup(ctx context.Context, id uuid.UUID) error {
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		g, err := lockGroup(ctx, tx, id)
		if err != nil {
			return err
		}
		if g.BuiltIn != "" {
			return errBuiltInGroup
		}
		if err := deleteGroup(ctx, tx, id); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "groups.delete", ResourceType: "group", ResourceID: id.String(),
			Summary: "Group " + g.Name + " deleted; it had " + strconv.Itoa(g.MemberCount) + " members",
			Changes: map[string]audit.Change{
				"name": {Before: g.Name}, "description": {Before: g.Description}, "permissions": {Before: g.Permissions},
			}})
	})
	if err == nil {
		s.perms.forgetAll()
	}
	return err
}

// AddGroupMember puts a user in a group whose grants callerGrants cover:
// joining a group hands out its grants just as writing them would. Adding
// a member twice is no change.
func (s *Service) AddGroupMember(ctx context.Context, callerGrants []string, groupID, userID uuid.UUID) error {
	added := false
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		g, u, err := groupAndUser(ctx, tx, groupID, userID)
		if err != nil {
			return err
		}
		if err := requireHeld(callerGrants, g.Permissions); err != nil {
			return err
		}
		member, err := isMember(ctx, tx, groupID, userID)
		if err != nil || member {
			return err
		}
		if err := addMember(ctx, tx, groupID, userID); err != nil {
			return err
		}
		added = true
		return audit.Write(ctx, tx, audit.Record{Action: "groups.members.add", ResourceType: "group", ResourceID: groupID.String(),
			Summary: u.Email + " added to " + g.Name,
			Changes: map[string]audit.Change{"member": {After: memberLabel(u)}}})
	})
	if err == nil && added {
		s.perms.forgetAll()
	}
	return err
}

// RemoveGroupMember takes a user out of a group; removing a non-member is no
// change. The Admin group keeps its last active member.
func (s *Service) RemoveGroupMember(ctx context.Context, groupID, userID uuid.UUID) error {
	removed := false
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		g, u, err := groupAndUser(ctx, tx, groupID, userID)
		if err != nil {
			return err
		}
		if g.BuiltIn == builtInAdmin {
			if err := keepAnAdmin(ctx, tx, userID); err != nil {
				return err
			}
		}
		if removed, err = removeMember(ctx, tx, groupID, userID); err != nil || !removed {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "groups.members.remove", ResourceType: "group", ResourceID: groupID.String(),
			Summary: u.Email + " removed from " + g.Name,
			Changes: map[string]audit.Change{"member": {Before: memberLabel(u)}}})
	})
	if err == nil && removed {
		s.perms.forgetAll()
	}
	return err
}

// groupAndUser loads both ends of a membership; either one missing (or
// another tenant's) is a 404 naming it.
func groupAndUser(ctx context.Context, tx *database.Tx, groupID, userID uuid.UUID) (Group, User, error) {
	g, err := groupByID(ctx, tx, groupID)
	if err != nil {
		return Group{}, User{}, err
	}
	u, err := userByID(ctx, tx, userID)
	return g, u, err
}

// memberLabel is how the audit log names a member: the e-mail may change
// or the user be removed later, the id stays.
func memberLabel(u User) map[string]string {
	return map[string]string{"id": u.ID.String(), "email": u.Email}
}
