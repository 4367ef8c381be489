package edge

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

const commandColumns = `id, device_id, type, payload, status, issued_by, issued_at, expires_at, delivered_at, lease_until,
	delivery_count, finished_at, coalesce(result, 'null'::jsonb) AS result, error FROM edge_commands`

func insertCommand(ctx context.Context, tx *database.Tx, deviceID uuid.UUID, n NewCommand, by *uuid.UUID, now, expiresAt time.Time) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.Get(ctx, &id, `INSERT INTO edge_commands (tenant_id, device_id, type, payload, issued_by, issued_at, expires_at)
		VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7) RETURNING id`,
		tx.TenantID(), deviceID, n.Type, string(n.Payload), by, now, expiresAt)
	return id, err
}

func listCommands(ctx context.Context, tx *database.Tx, deviceID uuid.UUID, after *commandCursor, limit int) ([]Command, error) {
	cmds := []Command{}
	args := []any{tx.TenantID(), deviceID, limit}
	cond := ""
	if after != nil {
		cond = " AND (issued_at, id) < ($4, $5)"
		args = append(args, after.IssuedAt, after.ID)
	}
	err := tx.Select(ctx, &cmds, `SELECT `+commandColumns+` WHERE tenant_id = $1 AND device_id = $2`+cond+
		` ORDER BY issued_at DESC, id DESC LIMIT $3`, args...)
	return cmds, err
}

// commandByID reads a command of a device; another device's is not found.
func commandByID(ctx context.Context, tx *database.Tx, deviceID, id uuid.UUID, lock bool) (Command, error) {
	tail := ""
	if lock {
		tail = " FOR UPDATE"
	}
	var c Command
	err := tx.Get(ctx, &c, `SELECT `+commandColumns+` WHERE tenant_id = $1 AND device_id = $2 AND id = $3`+tail,
		tx.TenantID(), deviceID, id)
	if errs.Is(err, errs.KindNotFound) {
		return Command{}, errs.NotFound("command")
	}
	return c, err
}

// finishCommand moves a command to a final status.
func finishCommand(ctx context.Context, tx *database.Tx, id uuid.UUID, status string, result json.RawMessage, errText string,
	cancelledBy *uuid.UUID, now time.Time) error {
	var res *string
	if result != nil {
		s := string(result)
		res = &s
	}
	_, err := tx.Exec(ctx, `UPDATE edge_commands SET status = $3, result = $4::jsonb, error = $5, cancelled_by = $6,
			finished_at = $7, lease_until = NULL
		WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id, status, res, errText, cancelledBy, now)
	return err
}

// commandExpired is commandStatusAt's expiry in SQL, now being the
// placeholder of the time.
func commandExpired(now string) string {
	return `status IN ('pending', 'delivered') AND expires_at <= ` + now + ` AND (lease_until IS NULL OR lease_until <= ` + now + `)`
}

// expireDeviceCommands marks the device's overdue commands expired.
func expireDeviceCommands(ctx context.Context, tx *database.Tx, deviceID uuid.UUID, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE edge_commands SET status = 'expired', finished_at = $3, lease_until = NULL
		WHERE tenant_id = $1 AND device_id = $2 AND `+commandExpired("$3"), tx.TenantID(), deviceID, now)
	return err
}

// deliverCommands leases the device's due commands (commandDeliverable in
// SQL), skipping rows a concurrent poll holds.
func deliverCommands(ctx context.Context, tx *database.Tx, deviceID uuid.UUID, now, leaseUntil time.Time, limit int) ([]PendingCommand, error) {
	cmds := []PendingCommand{}
	err := tx.Select(ctx, &cmds, `WITH due AS (
			SELECT id FROM edge_commands
			WHERE tenant_id = $1 AND device_id = $2 AND expires_at > $3
			  AND (status = 'pending' OR status = 'delivered' AND lease_until <= $3)
			ORDER BY issued_at, id LIMIT $5 FOR UPDATE SKIP LOCKED)
		UPDATE edge_commands c SET status = 'delivered', delivered_at = $3, lease_until = $4, delivery_count = c.delivery_count + 1
		FROM due WHERE c.tenant_id = $1 AND c.id = due.id
		RETURNING c.id, c.type, c.payload, c.issued_at, c.expires_at`,
		tx.TenantID(), deviceID, now, leaseUntil, limit)
	return cmds, err
}
