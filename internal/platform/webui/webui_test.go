package webui_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/webui"
)

const (
	indexHTML = `<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd.js"></script>` +
		`<link rel="stylesheet" href="/assets/index-Ef34Gh.css"></head><body><div id="root"></div></body></html>`
	script = `console.log("app")`
)

// fakeDist writes a Vite-shaped build output into a temp folder.
func fakeDist(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "dist")
	files := map[string]string{
		"index.html":              indexHTML,
		"favicon.svg":             `<svg xmlns="http://www.w3.org/2000/svg"/>`,
		"robots.txt":              "User-agent: *\n",
		"assets/index-Ab12Cd.js":  script,
		"assets/index-Ef34Gh.css": `body{margin:0}`,
		"assets/inter-Xy9.woff2":  "wOF2",
		".vite/manifest.json":     `{}`,
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Outside the app: must never be reachable.
	if err := os.WriteFile(filepath.Join(root, "secret.txt"), []byte("hunter2"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// newServer is an API server (health, OpenAPI, one API route) with the app
// in dir served last, as the composition roots do.
func newServer(t *testing.T, dir string) *httpapi.Server {
	t.Helper()
	s := httpapi.New(httpapi.Config{
		Service: "test", Version: "test", BodyLimit: 1024,
		ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second,
		ShutdownTimeout: 5 * time.Second,
	}, zerolog.Nop())
	s.RegisterHealth(func(context.Context) error { return nil })
	s.RegisterOpenAPI("Test API")
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/things", Public: true, Summary: "List things",
		Response: []string{}, Handler: func(c fiber.Ctx) error { return c.JSON([]string{"a"}) }})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/things", Public: true, Summary: "Create a thing",
		Status: http.StatusNoContent, Handler: func(c fiber.Ctx) error { return c.SendStatus(http.StatusNoContent) }})
	h, err := webui.Handler(os.DirFS(dir), "cloud", "Monozu")
	if err != nil {
		t.Fatal(err)
	}
	s.ServeApp(h)
	return s
}

func header(name, want string) func(t *testing.T, r *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		if got := r.Header.Get(name); got != want {
			t.Fatalf("%s = %q, want %q", name, got, want)
		}
	}
}

func all(checks ...func(t *testing.T, r *apitest.Response)) func(t *testing.T, r *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		for _, check := range checks {
			check(t, r)
		}
	}
}

func body(want string) func(t *testing.T, r *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		if string(r.Body) != want {
			t.Fatalf("body = %q, want %q", r.Body, want)
		}
	}
}

var (
	isIndex = all(header("Content-Type", "text/html; charset=utf-8"),
		header("Cache-Control", webui.CacheRevalidate), body(indexHTML))
	isScript = all(header("Content-Type", "text/javascript; charset=utf-8"),
		header("Cache-Control", webui.CacheImmutable), body(script))
)

func TestServesTheApp(t *testing.T) {
	app := newServer(t, fakeDist(t)).App()
	apitest.Run(t, app, "routes of the app get index.html", []apitest.Case{
		{Name: "root", Method: "GET", Path: "/", Status: 200, Check: isIndex},
		{Name: "index.html", Method: "GET", Path: "/index.html", Status: 200, Check: isIndex},
		{Name: "deep link", Method: "GET", Path: "/settings/users", Status: 200, Check: isIndex},
		{Name: "a route that starts like assets", Method: "GET", Path: "/assets-list/123", Status: 200, Check: isIndex},
		{Name: "the assets page of the app", Method: "GET", Path: "/assets", Status: 200, Check: isIndex},
		{Name: "an asset's page", Method: "GET", Path: "/assets/7d4aa24e-ce93-4a82-936c-cb7fdd2faf69", Status: 200, Check: isIndex},
		{Name: "a route that starts like the API", Method: "GET", Path: "/apis/123", Status: 200, Check: isIndex},
		{Name: "query string", Method: "GET", Path: "/login?next=%2Fsettings", Status: 200, Check: isIndex},
		{Name: "trailing slash", Method: "GET", Path: "/settings/", Status: 200, Check: isIndex},
	})
	apitest.Run(t, app, "files", []apitest.Case{
		{Name: "hashed script", Method: "GET", Path: "/assets/index-Ab12Cd.js", Status: 200, Check: isScript},
		{Name: "hashed stylesheet", Method: "GET", Path: "/assets/index-Ef34Gh.css", Status: 200,
			Check: all(header("Content-Type", "text/css; charset=utf-8"), header("Cache-Control", webui.CacheImmutable))},
		{Name: "font", Method: "GET", Path: "/assets/inter-Xy9.woff2", Status: 200,
			Check: all(header("Content-Type", "font/woff2"), header("Cache-Control", webui.CacheImmutable))},
		{Name: "unhashed file at the root", Method: "GET", Path: "/favicon.svg", Status: 200,
			Check: all(header("Content-Type", "image/svg+xml"), header("Cache-Control", webui.CacheRevalidate))},
		{Name: "text file", Method: "GET", Path: "/robots.txt", Status: 200,
			Check: all(header("Content-Type", "text/plain; charset=utf-8"), body("User-agent: *\n"))},
		{Name: "nosniff from the platform", Method: "GET", Path: "/assets/index-Ab12Cd.js", Status: 200,
			Check: header("X-Content-Type-Options", "nosniff")},
	})
	apitest.Run(t, app, "missing files", []apitest.Case{
		{Name: "missing script", Method: "GET", Path: "/assets/index-Old999.js", Status: 404, Code: "not_found"},
		{Name: "missing file at the root", Method: "GET", Path: "/logo.png", Status: 404, Code: "not_found"},
		{Name: "nested path with an extension", Method: "GET", Path: "/settings/export.csv", Status: 404, Code: "not_found"},
		{Name: "hidden files are not served", Method: "GET", Path: "/.vite/manifest.json", Status: 404, Code: "not_found"},
		{Name: "no escape from the folder", Method: "GET", Path: "/assets/..%2f..%2fsecret.txt", Status: 404, Code: "not_found"},
		{Name: "no escape, plain dots", Method: "GET", Path: "/../secret.txt", Status: 404, Code: "not_found"},
	})
	apitest.Run(t, app, "the API's paths stay the API's", []apitest.Case{
		{Name: "API route", Method: "GET", Path: "/api/v1/things", Status: 200, Check: body(`["a"]`)},
		{Name: "OpenAPI", Method: "GET", Path: httpapi.OpenAPIPath, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("Content-Type = %q", r.Header.Get("Content-Type"))
			}
		}},
		{Name: "health", Method: "GET", Path: "/healthz", Status: 200},
		{Name: "unknown API path", Method: "GET", Path: "/api/v1/nothing/here", Status: 404, Code: "not_found"},
		{Name: "unknown API path, any case", Method: "GET", Path: "/API/V1/nothing", Status: 404, Code: "not_found"},
		{Name: "the API root", Method: "GET", Path: "/api", Status: 404, Code: "not_found"},
		{Name: "WebSocket space", Method: "GET", Path: "/api/ws/events", Status: 404, Code: "not_found"},
		{Name: "edge API", Method: "GET", Path: "/v1/edge/config", Status: 404, Code: "not_found"},
		{Name: "internal endpoints", Method: "GET", Path: "/internal/v1/tenants", Status: 404, Code: "not_found"},
		{Name: "below health", Method: "GET", Path: "/healthz/deep", Status: 404, Code: "not_found"},
		{Name: "readiness", Method: "GET", Path: "/readyz/x", Status: 404, Code: "not_found"},
		{Name: "metrics", Method: "GET", Path: "/metrics", Status: 404, Code: "not_found"},
		{Name: "API file-like path", Method: "GET", Path: "/api/v1/export.csv", Status: 404, Code: "not_found"},
	})
	apitest.Run(t, app, "only GET and HEAD", []apitest.Case{
		{Name: "POST to an app route", Method: "POST", Path: "/settings/users", Body: `{}`, Status: 404, Code: "not_found"},
		{Name: "DELETE a file", Method: "DELETE", Path: "/assets/index-Ab12Cd.js", Status: 404, Code: "not_found"},
		{Name: "a method the API route lacks", Method: "PUT", Path: "/api/v1/things", Body: `{}`, Status: 405},
	})
}

func TestHeadAndConditionalRequests(t *testing.T) {
	app := newServer(t, fakeDist(t)).App()
	r := apitest.Do(t, app, "GET", "/assets/index-Ab12Cd.js", nil, nil)
	etag := r.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	apitest.Run(t, app, "HEAD", []apitest.Case{
		{Name: "file", Method: "HEAD", Path: "/assets/index-Ab12Cd.js", Status: 200,
			Check: all(header("Content-Type", "text/javascript; charset=utf-8"), header("Cache-Control", webui.CacheImmutable), body(""))},
		{Name: "app route", Method: "HEAD", Path: "/settings", Status: 200,
			Check: all(header("Content-Type", "text/html; charset=utf-8"), header("Cache-Control", webui.CacheRevalidate), body(""))},
	})
	if r := apitest.Do(t, app, "HEAD", "/missing.js", nil, nil); r.Status != 404 || len(r.Body) != 0 {
		t.Fatalf("HEAD of a missing file: %d %q", r.Status, r.Body)
	}
	apitest.Run(t, app, "If-None-Match", []apitest.Case{
		{Name: "unchanged", Method: "GET", Path: "/assets/index-Ab12Cd.js", Headers: map[string]string{"If-None-Match": etag},
			Status: 304, Check: body("")},
		{Name: "in a list, weak", Method: "GET", Path: "/assets/index-Ab12Cd.js", Headers: map[string]string{"If-None-Match": `"x", W/` + etag},
			Status: 304},
		{Name: "changed", Method: "GET", Path: "/assets/index-Ab12Cd.js", Headers: map[string]string{"If-None-Match": `"old"`},
			Status: 200, Check: isScript},
		{Name: "index revalidates", Method: "GET", Path: "/settings", Headers: map[string]string{"If-None-Match": `"old"`},
			Status: 200, Check: isIndex},
	})
}

// TestSecurityHeadersLetTheAppLoad: the platform's CSP allows the app's own
// module scripts, stylesheets and fonts, and never inline scripts.
func TestSecurityHeadersLetTheAppLoad(t *testing.T) {
	r := apitest.Do(t, newServer(t, fakeDist(t)).App(), "GET", "/", nil, nil)
	csp := map[string]string{}
	for _, directive := range strings.Split(r.Header.Get("Content-Security-Policy"), ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(directive), " ")
		csp[name] = value
	}
	scripts, ok := csp["script-src"]
	if !ok {
		scripts = csp["default-src"]
	}
	if !strings.Contains(scripts, "'self'") || strings.Contains(scripts, "unsafe") {
		t.Errorf("scripts: %q, want same-origin files only", scripts)
	}
	if !strings.Contains(csp["style-src"], "'self'") || !strings.Contains(csp["font-src"], "'self'") {
		t.Errorf("styles %q, fonts %q: the app's own files must load", csp["style-src"], csp["font-src"])
	}
	if csp["frame-ancestors"] != "'none'" {
		t.Errorf("frame-ancestors = %q", csp["frame-ancestors"])
	}
}

func TestNotBuilt(t *testing.T) {
	for name, dir := range map[string]string{"empty folder": t.TempDir(), "no folder": filepath.Join(t.TempDir(), "dist")} {
		t.Run(name, func(t *testing.T) {
			app := newServer(t, dir).App()
			page := all(header("Content-Type", "text/html; charset=utf-8"), header("Cache-Control", webui.CacheRevalidate),
				func(t *testing.T, r *apitest.Response) {
					for _, want := range []string{"not built", "make build", "web/cloud/dist"} {
						if !strings.Contains(string(r.Body), want) {
							t.Fatalf("the page does not say %q: %s", want, r.Body)
						}
					}
					if strings.Contains(string(r.Body), "<script") {
						t.Fatalf("the page has a script (the CSP would block it): %s", r.Body)
					}
				})
			apitest.Run(t, app, "a page says how to build", []apitest.Case{
				{Name: "root", Method: "GET", Path: "/", Status: 200, Check: page},
				{Name: "app route", Method: "GET", Path: "/settings/users", Status: 200, Check: page},
				{Name: "missing file", Method: "GET", Path: "/assets/index-Ab12Cd.js", Status: 404, Code: "not_found"},
				{Name: "API", Method: "GET", Path: "/api/v1/nothing", Status: 404, Code: "not_found"},
			})
		})
	}
}

// TestTheAppIsNotARoute: the fallback is no API endpoint, so the OpenAPI
// coverage check stays exact, and it still catches a rogue route.
func TestTheAppIsNotARoute(t *testing.T) {
	s := newServer(t, fakeDist(t))
	if missing := httpapi.Undocumented(s); len(missing) > 0 {
		t.Fatalf("undocumented: %v", missing)
	}
	r := apitest.Do(t, s.App(), "GET", httpapi.OpenAPIPath, nil, nil)
	apitest.AssertValidOpenAPI(t, r.Body)
	if strings.Contains(string(r.Body), `"/settings`) || strings.Contains(string(r.Body), `"/": `) {
		t.Fatalf("the app leaked into the OpenAPI document")
	}
	s.App().Get("/rogue", func(c fiber.Ctx) error { return nil })
	if missing := httpapi.Undocumented(s); len(missing) != 1 || missing[0] != "GET /rogue" {
		t.Fatalf("Undocumented = %v, want [GET /rogue]", missing)
	}
}

// TestRoutesAfterTheApp: an API route may still be added after the app (tests
// do), but a GET route the app would shadow is refused.
func TestRoutesAfterTheApp(t *testing.T) {
	s := newServer(t, fakeDist(t))
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/late", Public: true, Summary: "Late",
		Handler: func(c fiber.Ctx) error { return c.SendString("late") }})
	apitest.Run(t, s.App(), "late API route", []apitest.Case{
		{Name: "answers", Method: "GET", Path: "/api/v1/late", Status: 200, Check: body("late")},
	})
	defer func() {
		if recover() == nil {
			t.Fatal("a GET route the app shadows was accepted")
		}
	}()
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/late", Public: true, Summary: "Shadowed",
		Handler: func(c fiber.Ctx) error { return nil }})
}

// TestEmbedded: the apps compiled into this binary answer /, built or not.
func TestEmbedded(t *testing.T) {
	for app, h := range map[string]fiber.Handler{"cloud": webui.Cloud(), "mgmt": webui.Mgmt()} {
		t.Run(app, func(t *testing.T) {
			s := httpapi.New(httpapi.Config{Service: "test", BodyLimit: 1024}, zerolog.Nop())
			s.ServeApp(h)
			r := apitest.Do(t, s.App(), "GET", "/", nil, nil)
			if r.Status != 200 || r.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("GET /: %d %s", r.Status, r.Header.Get("Content-Type"))
			}
			if !webui.Built(app) && !strings.Contains(string(r.Body), "web/"+app+"/dist") {
				t.Fatalf("not built, but the page does not say so: %s", r.Body)
			}
		})
	}
}
