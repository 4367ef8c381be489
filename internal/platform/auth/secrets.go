package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
)

// Sealer encrypts small secrets at rest (TOTP seeds) with AES-256-GCM under
// a key derived from SECRET_KEY for one purpose, so the same SECRET_KEY
// never serves two purposes directly.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer derives the purpose's key with HKDF-SHA256.
func NewSealer(secretKey, purpose string) (*Sealer, error) {
	key, err := hkdf.Key(sha256.New, []byte(secretKey), nil, "monozu/"+purpose, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plaintext; additional binds the ciphertext to its owner
// (e.g. the user id) so it cannot be moved to another row.
func (s *Sealer) Seal(plaintext, additional []byte) string {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawStdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plaintext, additional))
}

// ErrUnseal is a ciphertext that does not decrypt (wrong key, tampered,
// moved to another owner).
var ErrUnseal = errors.New("secret cannot be decrypted")

// Open decrypts what Seal produced with the same additional data.
func (s *Sealer) Open(sealed string, additional []byte) ([]byte, error) {
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return nil, ErrUnseal
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], additional)
	if err != nil {
		return nil, ErrUnseal
	}
	return plain, nil
}

// NewOpaqueToken returns a random token for a client (refresh, invitation,
// reset, session step) and the hash to store in its place.
func NewOpaqueToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is the stored form of an opaque token. The tokens carry 256
// random bits, so an unsalted SHA-256 is enough to make a stolen table
// useless.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Equal compares two secrets in constant time.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
