// Package webui serves the built single-page apps (web/cloud, web/mgmt)
// from the binary. `make build` copies each app's Vite output into
// dist/<app>/ before compiling, and the files are embedded; without Node the
// folder holds only a placeholder and the apps answer a page saying the web
// UI was not built.
//
// Serving rules (the handler is installed with httpapi.Server.ServeApp, which
// keeps it to GET and HEAD outside the API's paths):
//   - an existing file is served with its content type; hashed files under
//     /assets/ are cached for a year (immutable), every other file, and
//     index.html, is revalidated (no-cache, with an ETag);
//   - a missing file (a path with an extension) is a 404 problem;
//   - any other path is a route of the app — /assets and /assets/<id> too,
//     the CMDB's pages — so index.html, which the app's router resolves in
//     the browser.
package webui

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

//go:embed all:dist
var dist embed.FS

// Cache-Control values.
const (
	CacheImmutable  = "public, max-age=31536000, immutable"
	CacheRevalidate = "no-cache"
)

// Cloud serves the Cloud SPA (web/cloud).
func Cloud() fiber.Handler { return embedded("cloud", "Monozu") }

// Mgmt serves the Management SPA (web/mgmt).
func Mgmt() fiber.Handler { return embedded("mgmt", "Monozu Management") }

func embedded(app, title string) fiber.Handler {
	sub, err := fs.Sub(dist, "dist/"+app)
	if err == nil {
		var h fiber.Handler
		if h, err = Handler(sub, app, title); err == nil {
			return h
		}
	}
	panic(fmt.Sprintf("webui: embedded %s app: %v", app, err)) // the embedded tree cannot fail to read
}

// Built reports whether the app (cloud, mgmt) was embedded in this binary.
func Built(app string) bool {
	_, err := fs.Stat(dist, "dist/"+app+"/index.html")
	return err == nil
}

type file struct {
	data        []byte
	contentType string
	cache       string
	etag        string
}

type handler struct {
	files map[string]*file // by slash path without the leading slash
	index *file            // index.html, or the not-built page
}

// Handler serves the app whose build output is fsys (index.html at its
// root, hashed files under assets/). app and title name it on the page shown
// when fsys holds no index.html. Files are read once, here.
func Handler(fsys fs.FS, app, title string) (fiber.Handler, error) {
	h := &handler{files: map[string]*file{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if name == "." && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll // not built
			}
			return err
		}
		switch hidden := name != "." && strings.HasPrefix(d.Name(), "."); {
		case d.IsDir() && hidden:
			return fs.SkipDir // .vite/manifest.json and the like are the build's, not the browser's
		case d.IsDir() || hidden:
			return nil
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		cache := CacheRevalidate
		if strings.HasPrefix(name, "assets/") {
			cache = CacheImmutable
		}
		h.files[name] = newFile(data, contentType(name), cache)
		return nil
	})
	if err != nil {
		return nil, err
	}
	h.index = h.files["index.html"]
	if h.index == nil {
		h.index = newFile(notBuiltPage(app, title), "text/html; charset=utf-8", CacheRevalidate)
	}
	return h.serve, nil
}

func newFile(data []byte, contentType, cache string) *file {
	sum := sha256.Sum256(data)
	return &file{data: data, contentType: contentType, cache: cache,
		etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
}

func (h *handler) serve(c fiber.Ctx) error {
	p, err := url.PathUnescape(c.Path())
	if err != nil {
		return errs.NotFound("file")
	}
	name := strings.TrimPrefix(path.Clean("/"+p), "/")
	if f, ok := h.files[name]; ok {
		return send(c, f)
	}
	if path.Ext(name) != "" {
		return errs.NotFound("file")
	}
	return send(c, h.index)
}

func send(c fiber.Ctx, f *file) error {
	c.Set(fiber.HeaderContentType, f.contentType)
	c.Set(fiber.HeaderCacheControl, f.cache)
	c.Set(fiber.HeaderETag, f.etag)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), f.etag) {
		return c.SendStatus(http.StatusNotModified)
	}
	return c.Send(f.data)
}

// etagMatches is If-None-Match's weak comparison against a list.
func etagMatches(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == etag || candidate == "*" {
			return true
		}
	}
	return false
}

// contentTypes fixes the types a Vite build emits, independent of the host's
// mime.types (nosniff makes a wrong type fatal for scripts and styles).
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".txt":         "text/plain; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".wasm":        "application/wasm",
	".xml":         "application/xml",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// notBuiltPage is self-contained: an inline style (the CSP allows inline
// styles, never inline scripts) and no script.
func notBuiltPage(app, title string) []byte {
	t := html.EscapeString(title)
	a := html.EscapeString(app)
	return []byte(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>` + t + ` — web UI not built</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1f2937}
code{background:#f3f4f6;padding:.1rem .3rem;border-radius:.2rem}
</style>
</head>
<body>
<h1>` + t + `</h1>
<p>The web UI was not built into this binary, so there is nothing to show here. The API is running:
see <a href="` + httpapi.OpenAPIPath + `">` + httpapi.OpenAPIPath + `</a>.</p>
<p>To build it, install Node.js with npm and run <code>make build</code> in the repository: it builds the web
apps under <code>web/</code>, copies <code>web/` + a + `/dist</code> into <code>internal/platform/webui/dist/` + a + `</code>
and compiles the binary with them embedded.</p>
</body>
</html>
`)
}
