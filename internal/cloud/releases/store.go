package releases

import (
	"context"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

const releaseColumns = `id, version, channel, os, arch, size_bytes, sha256, signature, blob_key, published_at`

func insertRelease(ctx context.Context, tx *database.Tx, r Release) (Release, error) {
	var out Release
	err := tx.Get(ctx, &out, `INSERT INTO agent_releases (id, version, channel, os, arch, size_bytes, sha256, signature, blob_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+releaseColumns,
		r.ID, r.Version, r.Channel, r.OS, r.Arch, r.Size, r.SHA256, r.Signature, r.BlobKey)
	if errs.Is(err, errs.KindConflict) {
		return Release{}, errReleaseExists()
	}
	return out, err
}

func releaseExists(ctx context.Context, tx *database.Tx, t Target) (bool, error) {
	var exists bool
	err := tx.Get(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM agent_releases
		WHERE version = $1 AND channel = $2 AND os = $3 AND arch = $4)`, t.Version, t.Channel, t.OS, t.Arch)
	return exists, err
}

// latestRelease is the most recently published build of a channel and
// platform (index agent_releases_latest).
func latestRelease(ctx context.Context, tx *database.Tx, t Target) (Release, error) {
	var r Release
	err := tx.Get(ctx, &r, `SELECT `+releaseColumns+` FROM agent_releases
		WHERE channel = $1 AND os = $2 AND arch = $3 ORDER BY published_at DESC, id DESC LIMIT 1`, t.Channel, t.OS, t.Arch)
	if errs.Is(err, errs.KindNotFound) {
		return Release{}, errs.NotFound("release")
	}
	return r, err
}

func releaseByTarget(ctx context.Context, tx *database.Tx, t Target) (Release, error) {
	var r Release
	err := tx.Get(ctx, &r, `SELECT `+releaseColumns+` FROM agent_releases
		WHERE version = $1 AND channel = $2 AND os = $3 AND arch = $4`, t.Version, t.Channel, t.OS, t.Arch)
	if errs.Is(err, errs.KindNotFound) {
		return Release{}, errs.NotFound("release")
	}
	return r, err
}

func errReleaseExists() error {
	return errs.New(errs.KindConflict, "This version is already published for this channel and platform; publish a new version.").
		WithCode("release_exists")
}
