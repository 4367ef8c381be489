package auth_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/platform/auth"
)

func TestTOTP(t *testing.T) {
	secret, otpURL, err := auth.NewTOTP("MonozuCloud", "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(otpURL)
	if err != nil || u.Scheme != "otpauth" || u.Query().Get("issuer") != "MonozuCloud" || u.Query().Get("secret") != secret {
		t.Fatalf("otpauth URL %q", otpURL)
	}
	now := time.Unix(1_800_000_000, 0)
	code, _ := auth.TOTPCode(secret, now)
	step, ok := auth.MatchTOTP(secret, code, now)
	if !ok || step != now.Unix()/30 {
		t.Fatalf("current code: ok %v step %d", ok, step)
	}
	if _, ok := auth.MatchTOTP(secret, code, now.Add(30*time.Second)); !ok {
		t.Error("one step of skew should be accepted")
	}
	if _, ok := auth.MatchTOTP(secret, code, now.Add(95*time.Second)); ok {
		t.Error("a code three steps old was accepted")
	}
	if _, ok := auth.MatchTOTP(secret, "12345", now); ok {
		t.Error("a five-digit code was accepted")
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes, hashes := auth.NewRecoveryCodes()
	if len(codes) != 10 || len(hashes) != 10 {
		t.Fatalf("%d codes", len(codes))
	}
	seen := map[string]bool{}
	for i, c := range codes {
		if len(c) != 19 || strings.Count(c, "-") != 3 || seen[c] {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
		typed := strings.ToUpper(strings.ReplaceAll(c, "-", " "))
		if auth.HashRecoveryCode(typed) != hashes[i] {
			t.Fatalf("code %q typed as %q does not match", c, typed)
		}
	}
}
