package auth

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: the authenticator-app defaults (RFC 6238: SHA-1, six
// digits, 30-second steps), accepting one step of clock skew either way.
const (
	totpPeriod = 30
	totpSkew   = 1
)

// NewTOTP creates a secret for account under issuer (MFA_ISSUER) and the
// otpauth:// URL an authenticator app scans.
func NewTOTP(issuer, account string) (secret, url string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// MatchTOTP checks code against secret at time now and returns the time
// step it matched. Callers store the step and refuse any code whose step is
// not newer than the last one used, so a code cannot be replayed.
func MatchTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	for delta := int64(-totpSkew); delta <= totpSkew; delta++ {
		s := current + delta
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totp.ValidateOpts{
			Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
		})
		if err == nil && Equal(want, code) {
			return s, true
		}
	}
	return 0, false
}

// TOTPCode is the code for secret at t (tests and the demo use it).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// RecoveryCodeCount is how many codes an enrolment hands out.
const RecoveryCodeCount = 10

// NewRecoveryCodes returns codes like "k3fq-2mqa-x7bd-pl4e" (80 random
// bits each) and their hashes (HashToken of the normalised code).
func NewRecoveryCodes() (codes, hashes []string) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	for range RecoveryCodeCount {
		b := make([]byte, 10)
		_, _ = rand.Read(b)
		raw := strings.ToLower(enc.EncodeToString(b)) // 16 characters
		code := raw[0:4] + "-" + raw[4:8] + "-" + raw[8:12] + "-" + raw[12:16]
		codes = append(codes, code)
		hashes = append(hashes, HashRecoveryCode(code))
	}
	return codes, hashes
}

// HashRecoveryCode normalises (case, spaces, dashes) and hashes a code.
func HashRecoveryCode(code string) string {
	normal := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	return HashToken(normal)
}
