package release_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/platform/release"
)

// testSeed is a fixed release key of the tests. TestSignAndVerify pins the
// message layout: changing it breaks every agent in the field.
var testSeed = base64.StdEncoding.EncodeToString([]byte("release-test-key-0123456789abcde"))

var content = []byte("#!/bin/edgezu binary bytes\x00\x01\x02")

func manifest() release.Manifest {
	sum := sha256.Sum256(content)
	return release.Manifest{Version: "1.4.0-rc.1+build.7", Channel: "stable", OS: "linux", Arch: "arm64", SHA256: hex.EncodeToString(sum[:])}
}

func signer(t *testing.T, seed string) release.Signer {
	t.Helper()
	s, err := release.ParseSigningKey(seed)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSignAndVerify(t *testing.T) {
	s := signer(t, testSeed)
	m := manifest()
	sig, err := s.Sign(m)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := release.ParsePublicKey(release.EncodePublicKey(s.PublicKey()))
	if err != nil {
		t.Fatal(err)
	}
	if err := release.Verify(pub, m, sig); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if err := release.VerifyContent(pub, m, sig, bytes.NewReader(content)); err != nil {
		t.Fatalf("verify content: %v", err)
	}
	msg, err := release.Message(m)
	if err != nil {
		t.Fatal(err)
	}
	want := "monozu-agent-release-v1\nversion=1.4.0-rc.1+build.7\nchannel=stable\nos=linux\narch=arm64\nsha256=" + m.SHA256 + "\n"
	if string(msg) != want {
		t.Fatalf("message:\n%q\nwant\n%q", msg, want)
	}
	raw, _ := base64.StdEncoding.DecodeString(sig)
	if !ed25519.Verify(s.PublicKey(), []byte(want), raw) {
		t.Fatal("the signature is not plain Ed25519 over the message")
	}
}

func TestVerifyFails(t *testing.T) {
	s := signer(t, testSeed)
	other := signer(t, base64.StdEncoding.EncodeToString([]byte("another-release-key-0123456789ab")))
	m := manifest()
	sig, err := s.Sign(m)
	if err != nil {
		t.Fatal(err)
	}
	with := func(change func(*release.Manifest)) release.Manifest {
		c := m
		change(&c)
		return c
	}
	tampered := bytes.Clone(content)
	tampered[3] ^= 1
	flipped, _ := base64.StdEncoding.DecodeString(sig)
	flipped[10] ^= 1
	for _, tc := range []struct {
		name    string
		pub     ed25519.PublicKey
		m       release.Manifest
		sig     string
		content []byte
		want    error
	}{
		{"tampered bytes", s.PublicKey(), m, sig, tampered, release.ErrDigestMismatch},
		{"truncated bytes", s.PublicKey(), m, sig, content[:len(content)-1], release.ErrDigestMismatch},
		{"another version", s.PublicKey(), with(func(m *release.Manifest) { m.Version = "1.4.0" }), sig, content, release.ErrBadSignature},
		{"another channel", s.PublicKey(), with(func(m *release.Manifest) { m.Channel = "beta" }), sig, content, release.ErrBadSignature},
		{"another os", s.PublicKey(), with(func(m *release.Manifest) { m.OS = "windows" }), sig, content, release.ErrBadSignature},
		{"another arch", s.PublicKey(), with(func(m *release.Manifest) { m.Arch = "amd64" }), sig, content, release.ErrBadSignature},
		{"another digest", s.PublicKey(), with(func(m *release.Manifest) { m.SHA256 = strings.Repeat("0", 64) }), sig, content, release.ErrBadSignature},
		{"another key", other.PublicKey(), m, sig, content, release.ErrBadSignature},
		{"changed signature", s.PublicKey(), m, base64.StdEncoding.EncodeToString(flipped), content, release.ErrBadSignature},
		{"signature not base64", s.PublicKey(), m, "!!" + sig, content, release.ErrBadSignature},
		{"short signature", s.PublicKey(), m, sig[:40], content, release.ErrBadSignature},
		{"empty signature", s.PublicKey(), m, "", content, release.ErrBadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := release.VerifyContent(tc.pub, tc.m, tc.sig, bytes.NewReader(tc.content)); !errors.Is(err, tc.want) {
				t.Fatalf("verify: %v, want %v", err, tc.want)
			}
		})
	}
	if err := release.Verify(ed25519.PublicKey("short"), m, sig); err == nil {
		t.Fatal("a short public key verified")
	}
}

// A field that could smuggle a line into the message is refused, so no
// two manifests share a message.
func TestMessageRefusesInvalidFields(t *testing.T) {
	s := signer(t, testSeed)
	for _, tc := range []struct {
		name   string
		change func(*release.Manifest)
		field  string
	}{
		{"newline in version", func(m *release.Manifest) { m.Version = "1.0\nchannel=beta" }, "version"},
		{"empty version", func(m *release.Manifest) { m.Version = "" }, "version"},
		{"version too long", func(m *release.Manifest) { m.Version = strings.Repeat("1", 65) }, "version"},
		{"version starting with a dot", func(m *release.Manifest) { m.Version = ".1" }, "version"},
		{"upper-case channel", func(m *release.Manifest) { m.Channel = "Stable" }, "channel"},
		{"channel starting with a digit", func(m *release.Manifest) { m.Channel = "1st" }, "channel"},
		{"os with a dash", func(m *release.Manifest) { m.OS = "li-nux" }, "os"},
		{"arch with a space", func(m *release.Manifest) { m.Arch = "arm 64" }, "arch"},
		{"upper-case digest", func(m *release.Manifest) { m.SHA256 = strings.ToUpper(m.SHA256) }, "sha256"},
		{"short digest", func(m *release.Manifest) { m.SHA256 = m.SHA256[:63] }, "sha256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := manifest()
			tc.change(&m)
			if p := m.Problems(); len(p) != 1 || p[0].Field != tc.field {
				t.Fatalf("problems %+v, want one on %s", p, tc.field)
			}
			if _, err := release.Message(m); err == nil {
				t.Fatal("message of an invalid manifest")
			}
			if _, err := s.Sign(m); err == nil {
				t.Fatal("signed an invalid manifest")
			}
		})
	}
	if p := (release.Manifest{}).Problems(); len(p) != 5 {
		t.Fatalf("problems of an empty manifest: %+v", p)
	}
}

func TestKeyParsing(t *testing.T) {
	for _, bad := range []string{"", "not base64!", base64.StdEncoding.EncodeToString(make([]byte, 31)),
		base64.StdEncoding.EncodeToString(make([]byte, 64))} {
		if _, err := release.ParseSigningKey(bad); err == nil {
			t.Errorf("signing key %q was accepted", bad)
		}
		if _, err := release.ParsePublicKey(bad); err == nil {
			t.Errorf("public key %q was accepted", bad)
		}
	}
	a, b := signer(t, testSeed), signer(t, " "+testSeed+"\n")
	if !a.PublicKey().Equal(b.PublicKey()) {
		t.Fatal("surrounding space changed the key")
	}
	if _, err := (release.Signer{}).Sign(manifest()); err == nil {
		t.Fatal("a zero signer signed")
	}
}
