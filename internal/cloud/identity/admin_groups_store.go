package identity

import (
	"context"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// groupSelect reads groups as Group rows; the array of grants comes as JSON
// because database/sql cannot scan a PostgreSQL array.
const groupSelect = `SELECT g.id, g.name, g.description, to_json(g.permissions) AS grants,
		coalesce(g.built_in, '') AS built_in, g.version, g.created_at, g.updated_at,
		(SELECT count(*) FROM group_members m WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id) AS member_count
	FROM groups g`

type groupRow struct {
	Group
	Grants database.JSON[[]string] `db:"grants"`
}

func (r groupRow) group() Group {
	g := r.Group
	g.Permissions = r.Grants.V
	if g.Permissions == nil {
		g.Permissions = []string{}
	}
	return g
}

// groupKey is where a page of groups continues: after this name (compared
// case-insensitively, as the unique index does) and id.
type groupKey struct {
	Name string
	ID   uuid.UUID
}

func listGroups(ctx context.Context, tx *database.Tx, after groupKey, limit int) ([]Group, error) {
	var rows []groupRow
	err := tx.Select(ctx, &rows, groupSelect+`
		WHERE g.tenant_id = $1 AND (lower(g.name), g.id) > (lower($2::text), $3::uuid)
		ORDER BY lower(g.name), g.id LIMIT $4`, tx.TenantID(), after.Name, after.ID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Group, len(rows))
	for i, r := range rows {
		out[i] = r.group()
	}
	return out, nil
}

func groupByID(ctx context.Context, tx *database.Tx, id uuid.UUID) (Group, error) {
	return getGroup(ctx, tx, groupSelect+` WHERE g.tenant_id = $1 AND g.id = $2`, id)
}

// lockGroup reads a group and holds its row until the transaction ends, so
// a concurrent change waits and then sees the new version.
func lockGroup(ctx context.Context, tx *database.Tx, id uuid.UUID) (Group, error) {
	return getGroup(ctx, tx, groupSelect+` WHERE g.tenant_id = $1 AND g.id = $2 FOR UPDATE OF g`, id)
}

func getGroup(ctx context.Context, tx *database.Tx, query string, id uuid.UUID) (Group, error) {
	var r groupRow
	err := tx.Get(ctx, &r, query, tx.TenantID(), id)
	if errs.Is(err, errs.KindNotFound) {
		return Group{}, errs.NotFound("group")
	}
	return r.group(), err
}

func groupMembers(ctx context.Context, tx *database.Tx, groupID uuid.UUID) ([]GroupMember, error) {
	members := []GroupMember{}
	err := tx.Select(ctx, &members, `SELECT u.id, u.email, u.display_name FROM group_members m
		JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
		WHERE m.tenant_id = $1 AND m.group_id = $2 ORDER BY u.email`, tx.TenantID(), groupID)
	return members, err
}

func updateGroup(ctx context.Context, tx *database.Tx, g Group) error {
	_, err := tx.Exec(ctx, `UPDATE groups SET name = $3, description = $4, permissions = $5,
		version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID(), g.ID, g.Name, g.Description, g.Permissions)
	return err
}

func deleteGroup(ctx context.Context, tx *database.Tx, id uuid.UUID) error {
	_, err := tx.Exec(ctx, `DELETE FROM groups WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id)
	return err
}

func isMember(ctx context.Context, tx *database.Tx, groupID, userID uuid.UUID) (bool, error) {
	var member bool
	err := tx.Get(ctx, &member, `SELECT EXISTS (SELECT 1 FROM group_members
		WHERE tenant_id = $1 AND group_id = $2 AND user_id = $3)`, tx.TenantID(), groupID, userID)
	return member, err
}

func removeMember(ctx context.Context, tx *database.Tx, groupID, userID uuid.UUID) (bool, error) {
	n, err := tx.Exec(ctx, `DELETE FROM group_members WHERE tenant_id = $1 AND group_id = $2 AND user_id = $3`,
		tx.TenantID(), groupID, userID)
	return n > 0, err
}

// keepAnAdmin refuses a change that would take userID out of the Admin
// group's active members when nobody else is left there. It locks the Admin
// group's row first, so two such changes racing each other are decided one
// after the other and cannot both remove "the other" last admin.
func keepAnAdmin(ctx context.Context, tx *database.Tx, userID uuid.UUID) error {
	var adminID uuid.UUID
	if err := tx.Get(ctx, &adminID, `SELECT id FROM groups WHERE tenant_id = $1 AND built_in = $2 FOR UPDATE`,
		tx.TenantID(), builtInAdmin); err != nil {
		return err
	}
	member, err := isMember(ctx, tx, adminID, userID)
	if err != nil || !member {
		return err
	}
	var others int
	if err := tx.Get(ctx, &others, `SELECT count(*) FROM group_members m
		JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
		WHERE m.tenant_id = $1 AND m.group_id = $2 AND m.user_id <> $3 AND u.status = $4`,
		tx.TenantID(), adminID, userID, UserActive); err != nil {
		return err
	}
	if others == 0 {
		return errLastAdmin
	}
	return nil
}
