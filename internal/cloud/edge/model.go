package edge

import (
	"time"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Command states (spec 40): pending → delivered → completed | failed |
// rejected, and pending | delivered → expired | cancelled.
const (
	CommandPending   = "pending"
	CommandDelivered = "delivered"
	CommandCompleted = "completed"
	CommandFailed    = "failed"
	CommandRejected  = "rejected"
	CommandExpired   = "expired"
	CommandCancelled = "cancelled"
)

// CommandLease is how long a delivered command belongs to the device that
// polled it; unacknowledged after that, it is delivered again.
const CommandLease = 60 * time.Second

// commandOpen reports whether a command may still change (be delivered,
// acknowledged, cancelled or expire).
func commandOpen(status string) bool { return status == CommandPending || status == CommandDelivered }

// commandStatusAt is the state a stored command is in at now: an open
// command past its expiry is expired, unless a device still holds its lease
// (it may be running it and acknowledge within the lease). Readers see this
// before the expiry job or a poll has written it.
func commandStatusAt(status string, expiresAt time.Time, leaseUntil *time.Time, now time.Time) string {
	if commandOpen(status) && !now.Before(expiresAt) && (leaseUntil == nil || !now.Before(*leaseUntil)) {
		return CommandExpired
	}
	return status
}

var errCommandNotDelivered = errs.New(errs.KindConflict, "The command was not delivered to this device; poll for it first.").WithCode("command_not_delivered")

func errCommandFinished(status string) error {
	return errs.New(errs.KindConflict, "The command is already "+status+".").WithCode("command_finished")
}

// ackStatuses are what a device may report.
var ackStatuses = []string{CommandCompleted, CommandFailed, CommandRejected}

// checkAck decides an acknowledgement with status want of a command now
// in status current: a delivered command finishes (apply); the same answer
// again is a no-op (the agent retries); anything else conflicts.
func checkAck(current, want string) (apply bool, err error) {
	switch {
	case current == CommandDelivered:
		return true, nil
	case current == want:
		return false, nil
	case current == CommandPending:
		return false, errCommandNotDelivered
	}
	return false, errCommandFinished(current)
}

// checkCancel decides a person's cancel of a command in status current.
func checkCancel(current string) error {
	if commandOpen(current) {
		return nil
	}
	return errCommandFinished(current)
}
