// Package webhook signs and verifies service-to-service HTTP deliveries
// (the management plane's licence pushes): HMAC-SHA256 over
// "<timestamp>.<raw body>", carried in X-Hmac-Timestamp (Unix seconds) and
// X-Hmac-Signature ("sha256=<hex>"). The timestamp inside the signature
// bounds replays to MaxAge; receivers also remember event ids.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Header names.
const (
	HeaderTimestamp = "X-Hmac-Timestamp"
	HeaderSignature = "X-Hmac-Signature"
)

// MaxAge is how old (or how far in the future) a delivery may be.
const MaxAge = 5 * time.Minute

// Errors of Verify; receivers answer 401 for each without saying which.
var (
	ErrMissing   = errors.New("webhook: missing signature or timestamp")
	ErrStale     = errors.New("webhook: timestamp outside the allowed window")
	ErrSignature = errors.New("webhook: signature does not match")
)

// Sign returns the two headers for body at time at.
func Sign(secret []byte, at time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(at.Unix(), 10)
	return timestamp, "sha256=" + hex.EncodeToString(mac(secret, timestamp, body))
}

// Verify checks a delivery's headers against its raw body at time now.
func Verify(secret []byte, timestamp, signature string, body []byte, now time.Time) error {
	if timestamp == "" || signature == "" {
		return ErrMissing
	}
	secs, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return ErrMissing
	}
	if age := now.Sub(time.Unix(secs, 0)); age > MaxAge || age < -MaxAge {
		return ErrStale
	}
	given, err := hex.DecodeString(strings.TrimPrefix(signature, "sha256="))
	if err != nil || !strings.HasPrefix(signature, "sha256=") {
		return ErrSignature
	}
	if !hmac.Equal(given, mac(secret, timestamp, body)) {
		return ErrSignature
	}
	return nil
}

func mac(secret []byte, timestamp string, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(timestamp))
	h.Write([]byte("."))
	h.Write(body)
	return h.Sum(nil)
}
