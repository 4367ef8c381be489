// Package identity is who may sign in and what they may do: users, groups
// and their permissions, sessions with rotating refresh tokens, MFA,
// registration, and the guard every protected route passes through.
package identity

import (
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

// UserStatus is a user's lifecycle state.
type UserStatus string

// User statuses (spec 10-platform).
const (
	UserInvited  UserStatus = "invited"
	UserActive   UserStatus = "active"
	UserDisabled UserStatus = "disabled"
)

// User is a person of a tenant. Secrets never leave the package.
type User struct {
	ID          uuid.UUID  `db:"id" json:"id"`
	Email       string     `db:"email" json:"email"`
	DisplayName string     `db:"display_name" json:"display_name"`
	Status      UserStatus `db:"status" json:"status" enum:"invited active disabled"`
	MFAEnabled  bool       `db:"mfa_enabled" json:"mfa_enabled"`
	LastLoginAt *time.Time `db:"last_login_at" json:"last_login_at"`
	Locale      string     `db:"locale" json:"locale"`
	Appearance  string     `db:"appearance" json:"appearance" enum:"system light dark"`
	CreatedAt   time.Time  `db:"created_at" json:"created_at"`
}

// Lifetimes (spec 10-platform).
const (
	SessionAbsoluteLifetime = 30 * 24 * time.Hour
	MFAChallengeLifetime    = 5 * time.Minute
	MaxMFAAttempts          = 5
)

// NormalizeEmail trims and lower-cases an address and checks its shape.
func NormalizeEmail(field, raw string) (string, error) {
	email := strings.ToLower(strings.TrimSpace(raw))
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
		return "", errs.Invalid(errs.Field(field, "invalid", "must be an e-mail address like name@example.com"))
	}
	return email, nil
}

// requireText trims s and checks its length, as a field error.
func requireText(field, s string, maxLen int) (string, *errs.FieldError) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxLen {
		fe := errs.Field(field, "invalid", "must be 1-"+strconv.Itoa(maxLen)+" characters")
		return s, &fe
	}
	return s, nil
}
