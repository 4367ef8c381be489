// Package releases is the catalogue of edge agent builds (spec 40, "Agent
// releases"; the seed's snaps): publishing with the publish token, the
// release signature, and what devices ask for — the latest build of their
// channel and platform, its download, and whether a device could update.
// Releases are global (agent_releases has no tenant); only the device
// view reads a tenant's data, through the Devices interface.
package releases

import (
	"context"
	"net/url"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/release"
)

// DefaultChannel is the channel of devices and requests that name none.
const DefaultChannel = "stable"

// MaxReleaseBytes caps one agent build (the route's body cap, within the
// server's HTTP_UPLOAD_LIMIT).
const MaxReleaseBytes = 256 << 20

// Release is one published agent build.
type Release struct {
	ID          uuid.UUID `json:"id" db:"id"`
	Version     string    `json:"version" db:"version"`
	Channel     string    `json:"channel" db:"channel"`
	OS          string    `json:"os" db:"os"`
	Arch        string    `json:"arch" db:"arch"`
	Size        int64     `json:"size" db:"size_bytes" doc:"bytes"`
	SHA256      string    `json:"sha256" db:"sha256" doc:"lower-case hex SHA-256 of the binary"`
	Signature   string    `json:"signature" db:"signature" doc:"base64 Ed25519 signature of the release message (docs/releases.md)"`
	PublishedAt time.Time `json:"published_at" db:"published_at"`
	DownloadURL string    `json:"download_url" db:"-" doc:"path of the download on this API, relative to its base URL"`
	BlobKey     string    `json:"-" db:"blob_key"`
}

// Manifest is what the release's signature covers.
func (r Release) Manifest() release.Manifest {
	return release.Manifest{Version: r.Version, Channel: r.Channel, OS: r.OS, Arch: r.Arch, SHA256: r.SHA256}
}

// withDownloadURL fills the path a device downloads the release from.
func (r Release) withDownloadURL() Release {
	q := url.Values{"channel": {r.Channel}, "os": {r.OS}, "arch": {r.Arch}}
	r.DownloadURL = "/api/v1/snaps/" + url.PathEscape(r.Version) + "/download?" + q.Encode()
	return r
}

// blobKey is where a release's binary is stored: by its id, so versions
// that differ only in letter case never share a file.
func blobKey(id uuid.UUID) string { return "agent-releases/" + id.String() }

// Target names a build: a version (empty for "the latest") of a channel
// and platform.
type Target struct {
	Version string
	Channel string
	OS      string
	Arch    string
}

// check validates the target's fields (the version only withVersion).
func (t Target) check(withVersion bool) error {
	var c errs.Checker
	t.checkInto(&c, withVersion)
	return c.Err()
}

// checkInto adds the target's field errors to c, named after the request's
// fields.
func (t Target) checkInto(c *errs.Checker, withVersion bool) {
	m := release.Manifest{Version: t.Version, Channel: t.Channel, OS: t.OS, Arch: t.Arch}
	given := map[string]string{"version": t.Version, "channel": t.Channel, "os": t.OS, "arch": t.Arch}
	for _, p := range m.Problems() {
		if p.Field == "sha256" || p.Field == "version" && !withVersion {
			continue
		}
		code := "invalid"
		if given[p.Field] == "" {
			code = "required"
		}
		c.Add(p.Field, code, "must be "+p.Rule)
	}
}

// Devices reads a tenant's devices for the device view; edge.Service
// implements it. DeviceRuntime answers what the device reported it runs,
// and errs.NotFound for an unknown device and for another tenant's (the
// tenant comes from ctx's principal).
type Devices interface {
	DeviceRuntime(ctx context.Context, id uuid.UUID) (os, arch, agentVersion string, err error)
}

// DeviceSnaps is what a device runs and what it could run.
type DeviceSnaps struct {
	DeviceID     uuid.UUID `json:"device_id"`
	AgentVersion string    `json:"agent_version" doc:"as the device reported it; empty when never reported"`
	OS           string    `json:"os"`
	Arch         string    `json:"arch"`
	Channel      string    `json:"channel" doc:"the channel compared with; devices follow stable"`
	Latest       *Release  `json:"latest" doc:"the latest release of the device's channel and platform; null when there is none"`
	// UpdateAvailable: the latest release is newer than what the device
	// runs (semantic versions), or merely different when either version
	// is not one.
	UpdateAvailable bool `json:"update_available"`
}
