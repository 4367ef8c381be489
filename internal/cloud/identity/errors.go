package identity

import (
	"errors"
	"time"

	"github.com/monozu/monozu/internal/platform/errs"
)

func asError(err error, target **errs.Error) bool { return errors.As(err, target) }

// The answers of the sign-in endpoints (spec 10-platform).
var (
	errInvalidCredentials = errs.New(errs.KindUnauthenticated, "The e-mail or password is wrong.").WithCode("invalid_credentials")
	errTenantPending      = errs.New(errs.KindPermissionDenied, "Your organisation is waiting for its licence to be activated.").WithCode("tenant_pending")
	errTenantSuspended    = errs.New(errs.KindPermissionDenied, "Your organisation is suspended. Contact your provider.").WithCode("tenant_suspended")
	errInvalidSession     = errs.New(errs.KindUnauthenticated, "Your session has ended; sign in again.").WithCode("session_invalid")
	errInvalidMFA         = errs.New(errs.KindUnauthenticated, "The code is wrong or has expired.").WithCode("invalid_mfa_code")
	errUnauthenticated    = errs.New(errs.KindUnauthenticated, "Sign in to continue.")
)

// errLocked is 423 account_locked with Retry-After.
func errLocked(until, now time.Time) error {
	e := errs.New(errs.KindLocked, "Too many failed sign-ins. Try again later.").WithCode("account_locked")
	e.RetryAfter = until.Sub(now)
	return e
}
