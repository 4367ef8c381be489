package auth

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/frequency"
	"golang.org/x/crypto/bcrypt"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Password rules (spec 10-platform).
const (
	BcryptCost        = 12
	MinPasswordLength = 12
	// bcrypt reads 72 bytes; longer passwords are refused rather than
	// silently truncated.
	MaxPasswordBytes = 72
)

// Passwords hashes passwords with bcrypt at one cost. Production uses
// BcryptCost; tests may pass bcrypt's minimum so that hundreds of sign-ins
// under the race detector stay fast. Checking needs no cost: a hash carries
// its own (PasswordMatches).
type Passwords struct {
	cost      int
	dummyOnce sync.Once
	dummy     []byte
}

// NewPasswords returns a hasher; cost 0 means BcryptCost.
func NewPasswords(cost int) *Passwords {
	if cost == 0 {
		cost = BcryptCost
	}
	return &Passwords{cost: max(cost, bcrypt.MinCost)}
}

// Hash returns the bcrypt hash of a password that passed CheckPasswordRules.
func (p *Passwords) Hash(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), p.cost)
	return string(h), err
}

// SpendWork does the work of one password comparison and fails. Sign-in
// calls it for unknown e-mails so both answers take the same time.
func (p *Passwords) SpendWork(password string) {
	p.dummyOnce.Do(func() {
		p.dummy, _ = bcrypt.GenerateFromPassword([]byte("monozu-dummy-password-for-timing"), p.cost)
	})
	_ = bcrypt.CompareHashAndPassword(p.dummy, []byte(password))
}

// PasswordMatches compares in constant time (bcrypt).
func PasswordMatches(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

var (
	commonOnce sync.Once
	common     map[string]struct{}
)

// isCommon checks the ~30,000 most common passwords shipped with zxcvbn
// (github.com/trustelem/zxcvbn, MIT), case-insensitively.
func isCommon(password string) bool {
	commonOnce.Do(func() {
		list := frequency.FrequencyLists["passwords"]
		common = make(map[string]struct{}, len(list))
		for _, p := range list {
			common[strings.ToLower(p)] = struct{}{}
		}
	})
	_, ok := common[strings.ToLower(password)]
	return ok
}

// CheckPasswordRules applies the spec's rules, reporting the problem as a
// field error on field (e.g. "password" or "new_password").
func CheckPasswordRules(field, password, email string) error {
	var msg string
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		msg = "must be at least 12 characters"
	case len(password) > MaxPasswordBytes:
		msg = "must be at most 72 bytes"
	case strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(email)):
		msg = "must not be your e-mail address"
	case isCommon(password):
		msg = "is one of the most common passwords; choose another"
	default:
		return nil
	}
	return errs.Invalid(errs.Field(field, "weak_password", msg))
}
