package releases

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/release"
)

// Response headers of a download, beside Content-Length.
const (
	HeaderSHA256    = "X-Snap-Sha256"
	HeaderSignature = "X-Snap-Signature"
)

// downloadTimeout bounds how long one download may hold its blob open
// (the server's write timeout usually ends it first).
const downloadTimeout = time.Hour

// HTTPConfig is what the routes need beyond the service.
type HTTPConfig struct {
	// PublishToken is SNAP_PUBLISH_TOKEN; without it (or without a signing
	// key) the publish route is not registered and answers 404.
	PublishToken        string
	CredentialRateLimit int // publish attempts per IP and minute
	// DeviceAuth runs before every device route: it authenticates
	// X-Device-Key, puts the device's principal on the context and rate
	// limits per device (the edge context's middleware, wired in api.go).
	DeviceAuth []fiber.Handler
}

// Handler serves the release routes.
type Handler struct {
	svc *Service
	cfg HTTPConfig
}

// NewHandler wires the routes to svc.
func NewHandler(svc *Service, cfg HTTPConfig) *Handler { return &Handler{svc: svc, cfg: cfg} }

// TargetQuery documents the query naming a channel and platform.
type TargetQuery struct {
	Channel string `query:"channel" doc:"release channel; stable when omitted"`
	OS      string `query:"os" doc:"required: Go's GOOS of the device, e.g. linux"`
	Arch    string `query:"arch" doc:"required: Go's GOARCH of the device, e.g. amd64"`
}

// PublicKey is the key agents verify releases with.
type PublicKey struct {
	Algorithm string `json:"algorithm" enum:"ed25519"`
	PublicKey string `json:"public_key" doc:"base64 of the 32-byte Ed25519 public key"`
}

// Routes registers the release routes that this configuration can serve.
func (h *Handler) Routes(s *httpapi.Server) {
	if len(h.cfg.DeviceAuth) == 0 {
		panic("releases: the device routes need a device authenticator")
	}
	tags := []string{"releases"}
	if _, ok := h.svc.PublicKey(); ok && h.cfg.PublishToken != "" {
		h.publishRoute(s)
	}
	if pub, ok := h.svc.PublicKey(); ok {
		key := PublicKey{Algorithm: "ed25519", PublicKey: release.EncodePublicKey(pub)}
		s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/snaps/public-key", Public: true, Tags: tags,
			Summary:     "The public key that verifies this Cloud's agent releases",
			Description: "Configure agents with it; every release's signature verifies with it (docs/releases.md).",
			Response:    PublicKey{}, Handler: func(c fiber.Ctx) error { return c.JSON(key) }})
	}
	device := h.cfg.DeviceAuth
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/snaps/latest", Public: true, Tags: tags,
		Summary: "The latest agent release of a channel and platform (devices, X-Device-Key)",
		Description: "Authenticated by the device's X-Device-Key header, not a user's token. Latest is the release " +
			"published last for the channel, os and arch; 404 when there is none. Before installing, an agent " +
			"checks the download's SHA-256 and the signature with the release public key.",
		Query: TargetQuery{}, Response: Release{}, Middleware: device, Handler: h.latest})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/snaps/:version/download", Public: true, Tags: tags,
		Summary: "Download an agent release (devices, X-Device-Key)",
		Description: "The binary, with Content-Length, its SHA-256 (hex) in X-Snap-Sha256 and its signature in " +
			"X-Snap-Signature. 404 when the version is not published for the channel and platform.",
		Query: TargetQuery{}, Response: "", Produces: "application/octet-stream", Middleware: device, Handler: h.download})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/devices/:id/snaps", Permission: "devices.read", Tags: tags,
		Summary: "What agent a device runs and the latest release it could run",
		Description: "The device's reported agent version, os and arch, the latest release of its channel (stable) for " +
			"that platform, and whether it is newer (semantic versions; merely different when either is not one).",
		Response: DeviceSnaps{}, Handler: httpapi.ByID("device", h.svc.DeviceSnaps)})
}

// target reads the query naming a channel and platform.
func target(c fiber.Ctx) (Target, error) {
	values, problems := httpapi.StrictQuery(c, []string{"channel", "os", "arch"})
	if len(problems) > 0 {
		return Target{}, errs.Invalid(problems...)
	}
	t := Target{Channel: values["channel"], OS: values["os"], Arch: values["arch"]}
	if t.Channel == "" {
		t.Channel = DefaultChannel
	}
	return t, nil
}

func (h *Handler) latest(c fiber.Ctx) error {
	t, err := target(c)
	if err != nil {
		return err
	}
	r, err := h.svc.Latest(c.Context(), t)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h *Handler) download(c fiber.Ctx) error {
	t, err := target(c)
	if err != nil {
		return err
	}
	// Fiber leaves path parameters escaped; "1.0.0%2Bb1" is "1.0.0+b1".
	if t.Version, err = url.PathUnescape(c.Params("version")); err != nil {
		return errs.NotFound("release")
	}
	// The body is streamed after the handler returns: its read needs a
	// context of its own, ended when the server closes the stream.
	ctx, cancel := context.WithTimeout(context.Background(), downloadTimeout)
	r, body, err := h.svc.Open(ctx, t)
	if err != nil {
		cancel()
		return err
	}
	c.Set(fiber.HeaderContentType, "application/octet-stream")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+
		"edgezu-"+r.Version+"-"+r.OS+"-"+r.Arch+`"`)
	c.Set(HeaderSHA256, r.SHA256)
	c.Set(HeaderSignature, r.Signature)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendStream(&closeCancels{ReadCloser: body, cancel: cancel}, int(r.Size))
}

// closeCancels ends the read's context when the stream is closed.
type closeCancels struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (r *closeCancels) Close() error {
	err := r.ReadCloser.Close()
	r.cancel()
	return err
}
