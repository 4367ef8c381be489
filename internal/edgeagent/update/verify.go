package update

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
	"github.com/monozu/monozu/internal/platform/release"
)

// BuiltinPublicKey is the release key the agent trusts, set at build time:
// go build -ldflags "-X github.com/monozu/monozu/internal/edgeagent/update.BuiltinPublicKey=<base64>".
// The configuration's release_public_key overrides it.
var BuiltinPublicKey = ""

// ParsePublicKey reads a base64 (standard or URL, padded or not) or hex
// Ed25519 public key.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	raw, err := decodeBinary(strings.TrimSpace(s))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("release public key: want %d bytes in base64 or hex", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(raw), nil
}

// ReleaseMessage is the exact byte string the Cloud signs for a release of
// channel on goos/goarch: internal/platform/release's one definition, so
// Cloud and agent cannot disagree on it.
func ReleaseMessage(rel cloudapi.Release, channel, goos, goarch string) ([]byte, error) {
	return release.Message(release.Manifest{
		Version: rel.Version, Channel: channel, OS: goos, Arch: goarch, SHA256: strings.ToLower(rel.SHA256),
	})
}

// ErrBadSignature means the release was not signed by the trusted key.
var ErrBadSignature = errors.New("release signature does not verify against the trusted key")

// VerifySignature checks sig (base64 or hex) over msg.
func VerifySignature(pub ed25519.PublicKey, msg []byte, sig string) error {
	raw, err := decodeBinary(strings.TrimSpace(sig))
	if err != nil || len(raw) != ed25519.SignatureSize {
		return fmt.Errorf("%w: signature is not %d bytes of base64 or hex", ErrBadSignature, ed25519.SignatureSize)
	}
	if !ed25519.Verify(pub, msg, raw) {
		return ErrBadSignature
	}
	return nil
}

func decodeBinary(s string) ([]byte, error) {
	if raw, err := hex.DecodeString(s); err == nil {
		return raw, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(s); err == nil {
			return raw, nil
		}
	}
	return nil, errors.New("neither hex nor base64")
}
