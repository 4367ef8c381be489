package auth

import "time"

// Lockout policy (spec 10-platform): this many failed sign-ins within the
// window lock the account for the same duration.
const (
	MaxFailedLogins = 5
	LockoutWindow   = 15 * time.Minute
)

// FailedLogins is an account's count of recent failures.
type FailedLogins struct {
	Count       int
	Since       *time.Time // start of the current window
	LockedUntil *time.Time // set when this failure locks the account
}

// NextFailure counts one more failure at now: a window older than
// LockoutWindow starts again, and reaching MaxFailedLogins locks the
// account (and resets the count for after the lock).
func NextFailure(count int, since *time.Time, now time.Time) FailedLogins {
	count++
	if since == nil || now.Sub(*since) > LockoutWindow {
		count, since = 1, &now
	}
	if count >= MaxFailedLogins {
		until := now.Add(LockoutWindow)
		return FailedLogins{LockedUntil: &until}
	}
	return FailedLogins{Count: count, Since: since}
}
