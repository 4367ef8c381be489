package edge

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
)

// IssueCommand queues a command for a registered device. The device is
// looked up before the payload is judged, so another tenant's device is
// 404 whatever the body.
func (s *Service) IssueCommand(ctx context.Context, deviceID uuid.UUID, n NewCommand) (Command, error) {
	now := s.nowUTC()
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Command, error) {
		d, err := deviceByID(ctx, tx, deviceID, false)
		if err != nil {
			return Command{}, err
		}
		n, expiresAt, err := n.normalized(now)
		if err != nil {
			return Command{}, err
		}
		if d.DeregisteredAt != nil {
			return Command{}, errDeviceDeregistered
		}
		id, err := insertCommand(ctx, tx, deviceID, n, actorID(ctx), now, expiresAt)
		if err != nil {
			return Command{}, err
		}
		if err := audit.Write(ctx, tx, audit.Record{Action: "devices.command", ResourceType: "edge_command", ResourceID: id.String(),
			Summary: "Command " + n.Type + " issued to device " + d.Name,
			Changes: map[string]audit.Change{"device_id": {After: deviceID}, "type": {After: n.Type},
				"payload": {After: n.Payload}, "expires_at": {After: expiresAt}}}); err != nil {
			return Command{}, err
		}
		c, err := commandByID(ctx, tx, deviceID, id, false)
		return c.atTime(now), err
	})
}

// Commands lists a device's commands, newest first, after the cursor.
func (s *Service) Commands(ctx context.Context, deviceID uuid.UUID, after *commandCursor, limit int) ([]Command, error) {
	now := s.nowUTC()
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]Command, error) {
		if _, err := deviceByID(ctx, tx, deviceID, false); err != nil {
			return nil, err
		}
		cmds, err := listCommands(ctx, tx, deviceID, after, limit+1)
		for i := range cmds {
			cmds[i] = cmds[i].atTime(now)
		}
		return cmds, err
	})
}

// Command returns one command of a device.
func (s *Service) Command(ctx context.Context, deviceID, id uuid.UUID) (Command, error) {
	now := s.nowUTC()
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Command, error) {
		c, err := commandByID(ctx, tx, deviceID, id, false)
		return c.atTime(now), err
	})
}

// CancelCommand cancels a pending or delivered command (409 once it has
// finished or expired).
func (s *Service) CancelCommand(ctx context.Context, deviceID, id uuid.UUID) (Command, error) {
	now := s.nowUTC()
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Command, error) {
		c, err := commandByID(ctx, tx, deviceID, id, true)
		if err != nil {
			return Command{}, err
		}
		if err := checkCancel(c.atTime(now).Status); err != nil {
			return Command{}, err
		}
		if err := finishCommand(ctx, tx, id, CommandCancelled, nil, "", actorID(ctx), now); err != nil {
			return Command{}, err
		}
		if err := audit.Write(ctx, tx, audit.Record{Action: "devices.command_cancel", ResourceType: "edge_command", ResourceID: id.String(),
			Summary: "Command " + c.Type + " cancelled", Changes: map[string]audit.Change{"status": {Before: c.Status, After: CommandCancelled}}}); err != nil {
			return Command{}, err
		}
		c, err = commandByID(ctx, tx, deviceID, id, false)
		return c.atTime(now), err
	})
}

// devicePrincipal is the device on ctx (set by DeviceKeys.Middleware).
func devicePrincipal(ctx context.Context) (auth.Principal, error) {
	p, ok := auth.PrincipalFrom(ctx)
	if !ok || p.Kind != auth.KindDevice {
		return auth.Principal{}, errInvalidDeviceKey
	}
	return p, nil
}

// Poll hands the device on ctx its due commands, oldest first, each under
// the configured lease: pending ones, and delivered ones whose lease
// ended. Commands locked by a concurrent poll are skipped; expired ones are
// marked so on the way and never handed out.
func (s *Service) Poll(ctx context.Context) ([]PendingCommand, error) {
	p, err := devicePrincipal(ctx)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]PendingCommand, error) {
		if err := expireDeviceCommands(ctx, tx, p.ActorID, now); err != nil {
			return nil, err
		}
		cmds, err := deliverCommands(ctx, tx, p.ActorID, now, now.Add(s.lease), maxPollBatch)
		slices.SortFunc(cmds, func(a, b PendingCommand) int {
			if c := a.IssuedAt.Compare(b.IssuedAt); c != 0 {
				return c
			}
			return slices.Compare(a.ID[:], b.ID[:])
		})
		return cmds, err
	})
}

// Acknowledge records the device's outcome of a command it was given.
// The same outcome again answers the command as it is; another one 409.
// Another device's command is 404.
func (s *Service) Acknowledge(ctx context.Context, id uuid.UUID, a Ack) (Command, error) {
	p, err := devicePrincipal(ctx)
	if err != nil {
		return Command{}, err
	}
	a, err = a.normalized()
	if err != nil {
		return Command{}, err
	}
	now := s.nowUTC()
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Command, error) {
		c, err := commandByID(ctx, tx, p.ActorID, id, true)
		if err != nil {
			return Command{}, err
		}
		apply, err := checkAck(c.atTime(now).Status, a.Status)
		if err != nil || !apply {
			return c.atTime(now), err
		}
		if err := finishCommand(ctx, tx, id, a.Status, a.Result, a.Error, nil, now); err != nil {
			return Command{}, err
		}
		c, err = commandByID(ctx, tx, p.ActorID, id, false)
		return c.atTime(now), err
	})
}
