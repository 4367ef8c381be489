package auth_test

import (
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/errs"
)

func TestSealer(t *testing.T) {
	s, err := auth.NewSealer(key, "totp")
	if err != nil {
		t.Fatal(err)
	}
	sealed := s.Seal([]byte("JBSWY3DPEHPK3PXP"), []byte("user-1"))
	if strings.Contains(sealed, "JBSWY3DPEHPK3PXP") {
		t.Fatal("plaintext visible in the sealed value")
	}
	plain, err := s.Open(sealed, []byte("user-1"))
	if err != nil || string(plain) != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("Open = %q, %v", plain, err)
	}
	if _, err := s.Open(sealed, []byte("user-2")); err != auth.ErrUnseal {
		t.Fatal("a secret moved to another owner decrypted")
	}
	other, _ := auth.NewSealer(key, "other-purpose")
	if _, err := other.Open(sealed, []byte("user-1")); err != auth.ErrUnseal {
		t.Fatal("a key for another purpose decrypted the secret")
	}
	if _, err := s.Open(sealed[:len(sealed)-2]+"AA", []byte("user-1")); err != auth.ErrUnseal {
		t.Fatal("a tampered secret decrypted")
	}
}

func TestOpaqueTokens(t *testing.T) {
	a, ha := auth.NewOpaqueToken()
	b, _ := auth.NewOpaqueToken()
	if a == b || len(a) < 40 || auth.HashToken(a) != ha || ha == a {
		t.Fatalf("tokens %q %q hash %q", a, b, ha)
	}
	if !auth.Equal(ha, auth.HashToken(a)) || auth.Equal(ha, auth.HashToken(b)) {
		t.Fatal("Equal is wrong")
	}
}

func TestPasswordRules(t *testing.T) {
	for name, tc := range map[string]struct {
		password, email string
		ok              bool
	}{
		"good":            {"correct horse battery staple", "ana@example.com", true},
		"too short":       {"Sh0rt!pass", "ana@example.com", false},
		"equals email":    {"Ana@Example.com", "ana@example.com", false},
		"common":          {"password1234", "ana@example.com", false},
		"common any case": {"PASSWORD1234", "ana@example.com", false},
		"too long":        {strings.Repeat("é", 40), "ana@example.com", false},
	} {
		err := auth.CheckPasswordRules("password", tc.password, tc.email)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v", name, err)
		}
		if err != nil && !errs.Is(err, errs.KindValidation) {
			t.Errorf("%s: want a validation error, got %v", name, err)
		}
	}
}

func TestPasswordHashing(t *testing.T) {
	pw := auth.NewPasswords(0)
	h, err := pw.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$2a$12$") {
		t.Fatalf("hash %q is not bcrypt cost 12", h)
	}
	if !auth.PasswordMatches(h, "correct horse battery staple") || auth.PasswordMatches(h, "correct horse battery stapl") {
		t.Fatal("PasswordMatches is wrong")
	}
	pw.SpendWork("anything") // must not panic
	fast, _ := auth.NewPasswords(4).Hash("correct horse battery staple")
	if !strings.HasPrefix(fast, "$2a$04$") || !auth.PasswordMatches(fast, "correct horse battery staple") {
		t.Fatalf("a test hasher's hash %q", fast)
	}
}
