// Package release is what the Cloud and the edge agent agree on about an
// agent release: the fields that name one, the exact message its Ed25519
// signature covers, signing with the release key, and verification.
package release

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Manifest names one release build and its content. The signature covers
// every field, so it cannot be replayed for another version, channel or
// platform, nor for other bytes.
type Manifest struct {
	Version string
	Channel string
	OS      string
	Arch    string
	SHA256  string // lower-case hex of the binary's SHA-256
}

// Field rules, the same as the agent_releases table's checks.
var (
	versionPattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$`)
	channelPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
	osPattern      = regexp.MustCompile(`^[a-z0-9]{1,16}$`)
	archPattern    = regexp.MustCompile(`^[a-z0-9_]{1,16}$`)
	sha256Pattern  = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// FieldProblem is one field that breaks the rules.
type FieldProblem struct {
	Field string // version, channel, os, arch, sha256
	Rule  string // what the field must look like
}

// Problems lists every field of m that breaks its rule.
func (m Manifest) Problems() []FieldProblem {
	var out []FieldProblem
	for _, f := range []struct {
		name, value, rule string
		pattern           *regexp.Regexp
	}{
		{"version", m.Version, "1 to 64 of A-Z a-z 0-9 . + -, starting with a letter or digit", versionPattern},
		{"channel", m.Channel, "1 to 32 of a-z 0-9 -, starting with a letter", channelPattern},
		{"os", m.OS, "1 to 16 of a-z 0-9 (Go's GOOS, e.g. linux)", osPattern},
		{"arch", m.Arch, "1 to 16 of a-z 0-9 _ (Go's GOARCH, e.g. amd64)", archPattern},
		{"sha256", m.SHA256, "64 lower-case hex digits", sha256Pattern},
	} {
		if !f.pattern.MatchString(f.value) {
			out = append(out, FieldProblem{Field: f.name, Rule: f.rule})
		}
	}
	return out
}

func (m Manifest) check() error {
	if p := m.Problems(); len(p) > 0 {
		return fmt.Errorf("release: %s must be %s", p[0].Field, p[0].Rule)
	}
	return nil
}

// domain separates release signatures from anything else the key could
// ever sign; v1 is the message's layout.
const domain = "monozu-agent-release-v1"

// Message is the exact byte string a release signature covers: the domain
// and each field on its own line. Valid fields contain no line breaks, so
// the layout is unambiguous.
func Message(m Manifest) ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	return []byte(domain + "\nversion=" + m.Version + "\nchannel=" + m.Channel + "\nos=" + m.OS +
		"\narch=" + m.Arch + "\nsha256=" + m.SHA256 + "\n"), nil
}

// Signer signs releases with the release key.
type Signer struct {
	key ed25519.PrivateKey
}

// ParseSigningKey reads the release key: the base64 of a 32-byte Ed25519
// seed (SNAP_SIGNING_KEY).
func ParseSigningKey(seed string) (Signer, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(seed))
	if err != nil || len(raw) != ed25519.SeedSize {
		return Signer{}, errors.New("release: the signing key must be the base64 of a 32-byte Ed25519 seed")
	}
	return Signer{key: ed25519.NewKeyFromSeed(raw)}, nil
}

// Sign returns the base64 signature of m's Message.
func (s Signer) Sign(m Manifest) (string, error) {
	if s.key == nil {
		return "", errors.New("release: no signing key")
	}
	msg, err := Message(m)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(ed25519.Sign(s.key, msg)), nil
}

// PublicKey is the key agents verify with.
func (s Signer) PublicKey() ed25519.PublicKey {
	return s.key.Public().(ed25519.PublicKey)
}

// EncodePublicKey is the base64 form agents are configured with.
func EncodePublicKey(pub ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(pub) }

// ParsePublicKey reads a base64 Ed25519 public key.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, errors.New("release: the public key must be the base64 of 32 bytes")
	}
	return ed25519.PublicKey(raw), nil
}

// ErrBadSignature means the signature does not cover this manifest under
// this key.
var ErrBadSignature = errors.New("release: the signature does not verify")

// ErrDigestMismatch means the content is not the manifest's.
var ErrDigestMismatch = errors.New("release: the content's SHA-256 differs from the release's")

// Verify checks that signature (base64) is the release key's signature of
// m's Message.
func Verify(pub ed25519.PublicKey, m Manifest, signature string) error {
	if len(pub) != ed25519.PublicKeySize {
		return errors.New("release: the public key must be 32 bytes")
	}
	msg, err := Message(m)
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, msg, sig) {
		return ErrBadSignature
	}
	return nil
}

// VerifyContent checks the signature of m and that content hashes to
// m.SHA256: what an agent does with a download before installing it.
func VerifyContent(pub ed25519.PublicKey, m Manifest, signature string, content io.Reader) error {
	if err := Verify(pub, m, signature); err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(h, content); err != nil {
		return fmt.Errorf("release: reading the content: %w", err)
	}
	if hex.EncodeToString(h.Sum(nil)) != m.SHA256 {
		return ErrDigestMismatch
	}
	return nil
}
