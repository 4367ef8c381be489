// Package operators is who runs the management plane: operator accounts
// (admin or support, password plus mandatory TOTP), their sessions with
// rotating refresh tokens, the route guard, and the operator audit log.
package operators

import (
	"errors"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Role decides what an operator may do; support is read-only (spec 20).
type Role string

// Roles.
const (
	RoleAdmin   Role = "admin"
	RoleSupport Role = "support"
)

// Status is an operator's lifecycle state. Operators are disabled, never
// deleted, so the audit log keeps pointing at them.
type Status string

// Statuses.
const (
	StatusActive   Status = "active"
	StatusDisabled Status = "disabled"
)

// Permissions of the management plane's routes.
const (
	PermRead  = "mgmt.read"  // every operator
	PermWrite = "mgmt.write" // admins only
)

// Allows reports whether the role holds a permission.
func (r Role) Allows(perm string) bool {
	switch perm {
	case PermRead:
		return r == RoleAdmin || r == RoleSupport
	case PermWrite:
		return r == RoleAdmin
	}
	return false
}

// Sign-in policy, the same as the Cloud's (spec 10-platform; the lockout is
// auth.NextFailure's): the TOTP step is valid for 5 minutes and 5 tries; a
// session lives at most 30 days.
const (
	MFAChallengeLifetime    = 5 * time.Minute
	MaxMFAAttempts          = 5
	SessionAbsoluteLifetime = 30 * 24 * time.Hour
)

// TOTPIssuer names the management plane in authenticator apps, apart from
// the Cloud's entries.
const TOTPIssuer = "MonozuManagement"

// Operator is an account of the platform provider. Secrets never leave the
// package.
type Operator struct {
	ID          uuid.UUID  `db:"id" json:"id"`
	Email       string     `db:"email" json:"email"`
	Name        string     `db:"name" json:"name"`
	Role        Role       `db:"role" json:"role" enum:"admin support"`
	Status      Status     `db:"status" json:"status" enum:"active disabled"`
	LastLoginAt *time.Time `db:"last_login_at" json:"last_login_at"`
	CreatedAt   time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt   time.Time  `db:"updated_at" json:"updated_at"`
	Version     int        `db:"version" json:"version"`
}

// NewOperator is what creating an operator takes.
type NewOperator struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     Role   `json:"role" enum:"admin support"`
	Password string `json:"password"`
}

// Enrollment is a new operator with the TOTP secret to scan, shown once.
type Enrollment struct {
	Operator   Operator `json:"operator"`
	TOTPSecret string   `json:"totp_secret"`
	OTPAuthURL string   `json:"otpauth_url"`
}

// Update is a partial change of an operator, guarded by the version read.
type Update struct {
	Name    *string `json:"name,omitempty"`
	Role    *Role   `json:"role,omitempty" enum:"admin support"`
	Status  *Status `json:"status,omitempty" enum:"active disabled"`
	Version int     `json:"version" doc:"the version read; if the operator changed since, the answer is 409 version_conflict"`
}

// validate checks the fields and trims the name.
func (u *Update) validate() error {
	var fields []errs.FieldError
	if u.Name != nil {
		name, fe := requireName(*u.Name)
		u.Name = &name
		fields = appendField(fields, fe)
	}
	if u.Role != nil && *u.Role != RoleAdmin && *u.Role != RoleSupport {
		fields = append(fields, errs.Field("role", "invalid", "must be admin or support"))
	}
	if u.Status != nil && *u.Status != StatusActive && *u.Status != StatusDisabled {
		fields = append(fields, errs.Field("status", "invalid", "must be active or disabled"))
	}
	if u.Version < 1 {
		fields = append(fields, errs.Field("version", "required", "send the version you read"))
	}
	if len(fields) > 0 {
		return errs.Invalid(fields...)
	}
	return nil
}

// validate normalises the e-mail and name and checks role and password.
func (n *NewOperator) validate() error {
	var fields []errs.FieldError
	email, fe := normalizeEmail(n.Email)
	fields = appendField(fields, fe)
	name, fe := requireName(n.Name)
	fields = appendField(fields, fe)
	if n.Role != RoleAdmin && n.Role != RoleSupport {
		fields = append(fields, errs.Field("role", "invalid", "must be admin or support"))
	}
	var pe *errs.Error
	if errors.As(auth.CheckPasswordRules("password", n.Password, n.Email), &pe) {
		fields = append(fields, pe.Fields...)
	}
	if len(fields) > 0 {
		return errs.Invalid(fields...)
	}
	n.Email, n.Name = email, name
	return nil
}

// normalizeEmail trims and lower-cases an address and checks its shape.
func normalizeEmail(raw string) (string, *errs.FieldError) {
	email := strings.ToLower(strings.TrimSpace(raw))
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
		fe := errs.Field("email", "invalid", "must be an e-mail address like name@example.com")
		return "", &fe
	}
	return email, nil
}

func requireName(raw string) (string, *errs.FieldError) {
	name := strings.TrimSpace(raw)
	if name == "" || len(name) > 200 {
		fe := errs.Field("name", "invalid", "must be 1-200 characters")
		return name, &fe
	}
	return name, nil
}

func appendField(fields []errs.FieldError, fe *errs.FieldError) []errs.FieldError {
	if fe != nil {
		fields = append(fields, *fe)
	}
	return fields
}

// The answers that are not about a single field.
var (
	errInvalidCredentials = errs.New(errs.KindUnauthenticated, "The e-mail or password is wrong.").WithCode("invalid_credentials")
	errInvalidMFA         = errs.New(errs.KindUnauthenticated, "The code is wrong or has expired.").WithCode("invalid_mfa_code")
	errInvalidSession     = errs.New(errs.KindUnauthenticated, "Your session has ended; sign in again.").WithCode("session_invalid")
	errUnauthenticated    = errs.New(errs.KindUnauthenticated, "Sign in to continue.")
	errVersionConflict    = errs.New(errs.KindConflict, "Someone else changed this operator since you read it; reload and try again.").WithCode("version_conflict")
	errLastAdmin          = errs.New(errs.KindConflict, "The management plane must keep at least one active admin.").WithCode("last_admin")
	errOwnAccount         = errs.New(errs.KindConflict, "You cannot disable or demote your own account.").WithCode("own_account")
	errEmailTaken         = errs.Invalid(errs.Field("email", "taken", "another operator has this address"))
)

// errLocked is 423 account_locked with Retry-After.
func errLocked(until, now time.Time) error {
	e := errs.New(errs.KindLocked, "Too many failed sign-ins. Try again later.").WithCode("account_locked")
	e.RetryAfter = until.Sub(now)
	return e
}
