package releases

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/blob"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/release"
)

// How long storing one release may take, and how long a stored blob may
// stay behind after its row could not be written before it is removed.
const (
	putTimeout     = 15 * time.Minute
	cleanupTimeout = time.Minute
)

// Service is the release catalogue's use cases.
type Service struct {
	db      *database.DB
	store   blob.Store
	signer  *release.Signer
	devices Devices
}

// NewService serves releases from store, reading devices through
// devices. Without a signer nothing can be published (nor the public key
// shown).
func NewService(db *database.DB, store blob.Store, signer *release.Signer, devices Devices) *Service {
	return &Service{db: db, store: store, signer: signer, devices: devices}
}

// PublicKey is the key that verifies this Cloud's releases.
func (s *Service) PublicKey() (ed25519.PublicKey, bool) {
	if s.signer == nil {
		return nil, false
	}
	return s.signer.PublicKey(), true
}

// Publish stores size bytes of content as the build t names, hashing them
// on the way, signs the result and records it. A failure leaves no blob
// behind and no row.
func (s *Service) Publish(ctx context.Context, t Target, content io.Reader, size int64) (Release, error) {
	if s.signer == nil {
		return Release{}, errors.New("releases: publishing without a signing key")
	}
	if err := t.check(true); err != nil {
		return Release{}, err
	}
	switch {
	case size == 0:
		return Release{}, errs.Invalid(errs.Field("file", "empty", "the file is empty"))
	case size > MaxReleaseBytes:
		return Release{}, errs.New(errs.KindTooLarge, fmt.Sprintf("A release may be at most %d MiB.", MaxReleaseBytes>>20)).
			WithCode("file_too_large")
	}
	var exists bool
	err := s.db.ReadGlobal(ctx, func(tx *database.Tx) (err error) {
		exists, err = releaseExists(ctx, tx, t)
		return err
	})
	switch {
	case err != nil:
		return Release{}, err
	case exists:
		return Release{}, errReleaseExists()
	}

	r := Release{ID: uuid.New(), Version: t.Version, Channel: t.Channel, OS: t.OS, Arch: t.Arch, Size: size}
	r.BlobKey = blobKey(r.ID)
	hash := sha256.New()
	putCtx, cancel := context.WithTimeout(ctx, putTimeout)
	defer cancel()
	if err := s.store.Put(putCtx, r.BlobKey, io.TeeReader(content, hash), size); err != nil {
		return Release{}, errs.Wrap(errs.KindUnavailable, "The release could not be stored; try again.", err)
	}
	r.SHA256 = hex.EncodeToString(hash.Sum(nil))
	var stored Release
	if r.Signature, err = s.signer.Sign(r.Manifest()); err == nil {
		err = s.db.InGlobal(ctx, func(tx *database.Tx) (err error) {
			stored, err = insertRelease(ctx, tx, r)
			return err
		})
	}
	if err != nil {
		// The blob is not reachable without its row: remove it, even when
		// the request's context is over.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		if delErr := s.store.Delete(cleanup, r.BlobKey); delErr != nil {
			err = errors.Join(err, delErr)
		}
		return Release{}, err
	}
	return stored.withDownloadURL(), nil
}

// Latest is the most recently published release of t's channel and
// platform (t.Version is ignored).
func (s *Service) Latest(ctx context.Context, t Target) (Release, error) {
	if err := t.check(false); err != nil {
		return Release{}, err
	}
	return s.latest(ctx, t)
}

func (s *Service) latest(ctx context.Context, t Target) (Release, error) {
	var r Release
	err := s.db.ReadGlobal(ctx, func(tx *database.Tx) (err error) {
		r, err = latestRelease(ctx, tx, t)
		return err
	})
	if err != nil {
		return Release{}, err
	}
	return r.withDownloadURL(), nil
}

// Open finds the release t names and opens its binary; the caller closes
// it. ctx bounds the whole read, so it must outlive the caller's handler
// when the body is streamed after it returns. A blob whose size is not the
// release's is refused rather than served in part.
func (s *Service) Open(ctx context.Context, t Target) (Release, io.ReadCloser, error) {
	if err := t.check(true); err != nil {
		return Release{}, nil, err
	}
	var r Release
	err := s.db.ReadGlobal(ctx, func(tx *database.Tx) (err error) {
		r, err = releaseByTarget(ctx, tx, t)
		return err
	})
	if err != nil {
		return Release{}, nil, err
	}
	body, info, err := s.store.Open(ctx, r.BlobKey)
	if err != nil {
		return Release{}, nil, errs.Wrap(errs.KindUnavailable, "The release's file cannot be read now; try again.", err)
	}
	if info.Size != r.Size {
		_ = body.Close()
		return Release{}, nil, fmt.Errorf("releases: blob %s has %d bytes, the release %d", r.BlobKey, info.Size, r.Size)
	}
	return r.withDownloadURL(), body, nil
}

// DeviceSnaps tells what the device runs and the latest release of its
// channel (stable: devices have no other yet) and platform. The device is read in the caller's tenant.
func (s *Service) DeviceSnaps(ctx context.Context, id uuid.UUID) (DeviceSnaps, error) {
	os, arch, agentVersion, err := s.devices.DeviceRuntime(ctx, id)
	if err != nil {
		return DeviceSnaps{}, err
	}
	out := DeviceSnaps{DeviceID: id, AgentVersion: agentVersion, OS: os, Arch: arch, Channel: DefaultChannel}
	t := Target{Channel: out.Channel, OS: os, Arch: arch}
	if t.check(false) != nil { // a platform no release could be built for
		return out, nil
	}
	latest, err := s.latest(ctx, t)
	switch {
	case errs.Is(err, errs.KindNotFound):
		return out, nil
	case err != nil:
		return DeviceSnaps{}, err
	}
	out.Latest = &latest
	out.UpdateAvailable = updateAvailable(agentVersion, latest.Version)
	return out, nil
}
