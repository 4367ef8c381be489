// Package update replaces the agent's binary with a verified release:
// download beside the running binary, check size, SHA-256 and the Ed25519
// signature, check the new binary runs, then rename it into place. Any
// failed check removes the download and leaves the running binary alone.
package update

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
)

// DefaultMaxSize bounds a release download.
const DefaultMaxSize = 256 << 20

// Releases is the part of the Cloud client the updater needs.
type Releases interface {
	LatestRelease(ctx context.Context, channel, goos, goarch string) (cloudapi.Release, error)
	Download(ctx context.Context, rel cloudapi.Release, w io.Writer, limit int64) error
}

// Updater swaps the binary at Executable.
type Updater struct {
	Releases       Releases
	Channel        string
	PublicKey      ed25519.PublicKey // nil: updates are refused
	Executable     string
	CurrentVersion string
	MaxSize        int64
}

// Outcome is the command result of an update.
type Outcome struct {
	PreviousVersion string `json:"previous_version"`
	Version         string `json:"version"`
	Changed         bool   `json:"changed"`
	SHA256          string `json:"sha256,omitempty"`
}

// Update installs version (empty: the channel's latest). Changed is false
// when that version already runs; the caller restarts when it is true.
func (u *Updater) Update(ctx context.Context, version string) (Outcome, error) {
	out := Outcome{PreviousVersion: u.CurrentVersion, Version: u.CurrentVersion}
	if u.PublicKey == nil {
		return out, errors.New("no release public key is configured; updates are refused")
	}
	rel, err := u.Releases.LatestRelease(ctx, u.Channel, runtime.GOOS, runtime.GOARCH)
	if err != nil {
		return out, fmt.Errorf("look up release: %w", err)
	}
	if version != "" && rel.Version != version {
		return out, fmt.Errorf("channel %q offers %s for %s/%s, not the requested %s", u.Channel, rel.Version, runtime.GOOS, runtime.GOARCH, version)
	}
	if rel.Version == u.CurrentVersion {
		return out, nil
	}
	maxSize := u.MaxSize
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	if rel.Size <= 0 || rel.Size > maxSize {
		return out, fmt.Errorf("release size %d is outside 1..%d bytes", rel.Size, maxSize)
	}
	tmp, err := u.download(ctx, rel, maxSize)
	if err != nil {
		return out, err
	}
	defer func() { _ = os.Remove(tmp) }() // a no-op once renamed
	if err := selfTest(ctx, tmp, rel.Version); err != nil {
		return out, err
	}
	if err := os.Rename(tmp, u.Executable); err != nil {
		return out, fmt.Errorf("swap binary: %w", err)
	}
	syncDir(filepath.Dir(u.Executable))
	return Outcome{PreviousVersion: u.CurrentVersion, Version: rel.Version, Changed: true, SHA256: strings.ToLower(rel.SHA256)}, nil
}

// download writes the release beside the executable (same file system, so
// the rename is atomic), verifying it before it is ever made executable.
func (u *Updater) download(ctx context.Context, rel cloudapi.Release, maxSize int64) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(u.Executable), "."+filepath.Base(u.Executable)+".new-*")
	if err != nil {
		return "", fmt.Errorf("create download file: %w", err)
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		_ = f.Close()
		_ = os.Remove(name)
		return "", err
	}
	h := sha256.New()
	if err := u.Releases.Download(ctx, rel, io.MultiWriter(f, h), maxSize); err != nil {
		return fail(fmt.Errorf("download release: %w", err))
	}
	if n, _ := f.Seek(0, io.SeekCurrent); n != rel.Size {
		return fail(fmt.Errorf("release is %d bytes, the Cloud announced %d", n, rel.Size))
	}
	got := hex.EncodeToString(h.Sum(nil))
	if !strings.EqualFold(got, rel.SHA256) {
		return fail(fmt.Errorf("release SHA-256 is %s, the Cloud announced %s", got, rel.SHA256))
	}
	msg, err := ReleaseMessage(rel, u.Channel, runtime.GOOS, runtime.GOARCH)
	if err != nil {
		return fail(fmt.Errorf("release cannot be verified: %w", err))
	}
	if err := VerifySignature(u.PublicKey, msg, rel.Signature); err != nil {
		return fail(err)
	}
	if err := f.Chmod(0o755); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	return name, nil
}

// selfTest runs "<new> version" and expects it to name the version: a build
// for the wrong platform, or a broken one, never replaces a working agent.
func selfTest(ctx context.Context, path, version string) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "version").Output()
	if err != nil {
		return fmt.Errorf("new binary does not run: %w", err)
	}
	if !bytes.Contains(out, []byte(version)) {
		return fmt.Errorf("new binary reports %q, not version %s", strings.TrimSpace(string(firstLine(out))), version)
	}
	return nil
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
