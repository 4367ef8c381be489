package releases

import (
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// HeaderPublishToken carries SNAP_PUBLISH_TOKEN.
const HeaderPublishToken = "X-Snap-Publish-Token"

// publishFormOverhead is room for the form's other fields and boundaries
// above the file itself.
const publishFormOverhead = 64 << 10

// PublishForm documents the multipart body of POST /admin/publish.
type PublishForm struct {
	Version string `json:"version" doc:"1 to 64 of A-Z a-z 0-9 . + -, starting with a letter or digit; semantic versions order updates"`
	Channel string `json:"channel,omitempty" doc:"1 to 32 of a-z 0-9 -, starting with a letter; stable when omitted"`
	OS      string `json:"os" doc:"Go's GOOS of the build, e.g. linux"`
	Arch    string `json:"arch" doc:"Go's GOARCH of the build, e.g. amd64 or arm64"`
	File    []byte `json:"file" doc:"the agent binary: at most 256 MiB, and at most what HTTP_UPLOAD_LIMIT allows"`
}

var publishFields = []string{"version", "channel", "os", "arch"}

func (h *Handler) publishRoute(s *httpapi.Server) {
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/admin/publish", Public: true, Tags: []string{"releases"},
		Summary: "Publish an agent release (X-Snap-Publish-Token)",
		Description: "For release pipelines, not people: the header X-Snap-Publish-Token must carry SNAP_PUBLISH_TOKEN " +
			"(a missing or wrong token answers 401 invalid_publish_token; attempts are rate limited per IP). " +
			"multipart/form-data with the fields version, channel, os, arch and the binary in file. The file is " +
			"stored in blob storage while its SHA-256 is computed, then signed with the release key (Ed25519). " +
			"409 release_exists when the version is already published for the channel and platform (releases are " +
			"immutable), 422 with field errors, 413 beyond the size cap, 415 when the body is not multipart. " +
			"Not served (404) when SNAP_PUBLISH_TOKEN or SNAP_SIGNING_KEY is not set.",
		Request: PublishForm{}, Consumes: "multipart/form-data", BodyLimit: MaxReleaseBytes + publishFormOverhead,
		Middleware: []fiber.Handler{httpapi.RateLimiter(httpapi.RateLimit{Max: h.cfg.CredentialRateLimit, Window: time.Minute})},
		Response:   Release{}, Status: http.StatusCreated, Handler: h.publish})
}

func (h *Handler) publish(c fiber.Ctx) error {
	if !auth.Equal(c.Get(HeaderPublishToken), h.cfg.PublishToken) {
		return errs.New(errs.KindUnauthenticated, "A valid X-Snap-Publish-Token is required.").WithCode("invalid_publish_token")
	}
	if _, problems := httpapi.StrictQuery(c, nil); len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	form, err := httpapi.MultipartForm(c, "Send the release as multipart/form-data: version, channel, os, arch and file.")
	if err != nil {
		return err
	}
	t, file, err := publishInput(form)
	if err != nil {
		return err
	}
	f, err := file.Open()
	if err != nil {
		return errs.Wrap(errs.KindBadRequest, "The uploaded file cannot be read.", err).WithCode("malformed_multipart")
	}
	defer func() { _ = f.Close() }()
	r, err := h.svc.Publish(c.Context(), t, f, file.Size)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, r.DownloadURL)
	return c.Status(http.StatusCreated).JSON(r)
}

// publishInput reads the form strictly (each field at most once, no
// unknown ones, exactly one file), reporting every problem at once.
func publishInput(form *multipart.Form) (Target, *multipart.FileHeader, error) {
	var c errs.Checker
	for name := range form.Value {
		if !slices.Contains(publishFields, name) {
			c.Add(clip(name), "unknown_field", "is not a field of this form")
		}
	}
	for name := range form.File {
		if name != "file" {
			c.Add(clip(name), "unknown_field", "is not a field of this form")
		}
	}
	values := map[string]string{"channel": DefaultChannel}
	for _, name := range publishFields {
		switch v := form.Value[name]; len(v) {
		case 0:
		case 1:
			values[name] = v[0]
		default:
			c.Add(name, "repeated", "may be given once")
			values[name] = placeholder[name] // checked once, as repeated
		}
	}
	t := Target{Version: values["version"], Channel: values["channel"], OS: values["os"], Arch: values["arch"]}
	t.checkInto(&c, true)
	var file *multipart.FileHeader
	switch files := form.File["file"]; len(files) {
	case 0:
		c.Add("file", "required", "send the agent binary in the form field file")
	case 1:
		file = files[0]
	default:
		c.Add("file", "repeated", "send one file per release")
	}
	if err := c.Err(); err != nil {
		return Target{}, nil, err
	}
	return t, file, nil
}

// placeholder is a valid value standing in for a repeated field, so it is
// reported as repeated only.
var placeholder = map[string]string{"version": "0", "channel": DefaultChannel, "os": "linux", "arch": "amd64"}

// clip shortens an echoed field name to 64 bytes of valid UTF-8.
func clip(name string) string {
	return strings.ToValidUTF8(name[:min(len(name), 64)], "")
}
