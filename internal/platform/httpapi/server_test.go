package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/telemetry"
)

// TestMain installs a real tracer provider, as telemetry.Setup does, so
// spans carry trace ids.
func TestMain(m *testing.M) {
	otel.SetTracerProvider(sdktrace.NewTracerProvider())
	os.Exit(m.Run())
}

type widget struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

type item struct {
	ID int `json:"id"`
}

func newTestServer(t *testing.T) (*httpapi.Server, *apitest.LogBuffer) {
	t.Helper()
	logs := &apitest.LogBuffer{}
	s := httpapi.New(httpapi.Config{
		Service: "test", Version: "test", BodyLimit: 1024,
		ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second,
		ShutdownTimeout: 10 * time.Second, AllowOrigins: []string{"https://app.example.com"},
	}, telemetry.NewLogger(logs, "json", "info"))
	s.RegisterHealth(func(context.Context) error { return nil })
	s.RegisterOpenAPI("Test API")
	s.Handle(httpapi.Route{
		Method: http.MethodPost, Path: "/echo", Public: true, Summary: "Echo a widget",
		Request: widget{}, Response: widget{}, Status: http.StatusCreated,
		Handler: func(c fiber.Ctx) error {
			var w widget
			if err := httpapi.DecodeJSON(c, &w); err != nil {
				return err
			}
			return c.Status(http.StatusCreated).JSON(w)
		},
	})
	s.Handle(httpapi.Route{
		Method: http.MethodGet, Path: "/panic", Public: true, Summary: "Panics",
		Handler: func(fiber.Ctx) error { panic("db password is hunter2") },
	})
	s.Handle(httpapi.Route{
		Method: http.MethodGet, Path: "/fail", Public: true, Summary: "Fails inside",
		Handler: func(fiber.Ctx) error { return errors.New("connection to 10.0.0.5 refused") },
	})
	s.Handle(httpapi.Route{
		Method: http.MethodGet, Path: "/slow", Public: true, Summary: "Takes a while",
		Handler: func(c fiber.Ctx) error {
			time.Sleep(1500 * time.Millisecond)
			return c.SendString("finished")
		},
	})
	s.Handle(httpapi.Route{
		Method: http.MethodGet, Path: "/items", Public: true, Summary: "Pages through 1..7",
		Query: httpapi.PageQuery{}, Response: httpapi.Page[item]{},
		Handler: func(c fiber.Ctx) error {
			page, err := httpapi.ParsePage(c)
			if err != nil {
				return err
			}
			after := 0
			if page.HasCursor() {
				if err := page.After(&after); err != nil {
					return err
				}
			}
			var rows []item
			for id := after + 1; id <= 7 && len(rows) <= page.Limit; id++ {
				rows = append(rows, item{ID: id})
			}
			return c.JSON(httpapi.NewPage(rows, page.Limit, func(i item) []any { return []any{i.ID} }))
		},
	})
	s.Handle(httpapi.Route{
		Method: http.MethodPost, Path: "/limited", Public: true, Summary: "Two per minute", Status: http.StatusNoContent,
		Middleware: []fiber.Handler{httpapi.RateLimiter(httpapi.RateLimit{Max: 2, Window: time.Minute})},
		Handler:    func(c fiber.Ctx) error { return c.SendStatus(http.StatusNoContent) },
	})
	return s, logs
}

func TestErrorsAreProblems(t *testing.T) {
	s, logs := newTestServer(t)
	app := s.App()
	apitest.Run(t, app, "client errors", []apitest.Case{
		{Name: "malformed JSON", Method: "POST", Path: "/echo", Body: `{"name": "a",`, Status: 400, Code: "malformed_json"},
		{Name: "not JSON at all", Method: "POST", Path: "/echo", Body: `name=a`, Status: 400, Code: "malformed_json"},
		{Name: "empty body", Method: "POST", Path: "/echo", Body: ` `, Status: 400, Code: "malformed_json"},
		{Name: "trailing data", Method: "POST", Path: "/echo", Body: `{"name":"a"} {}`, Status: 400, Code: "malformed_json"},
		{Name: "wrong media type", Method: "POST", Path: "/echo", Body: `{}`, Headers: map[string]string{"Content-Type": "text/plain"}, Status: 415, Code: "unsupported_media_type"},
		{Name: "unknown field", Method: "POST", Path: "/echo", Body: `{"nmae":"a"}`, Status: 422, Code: "validation_failed",
			Check: func(t *testing.T, r *apitest.Response) {
				if p := r.Problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "nmae" || p.Errors[0].Code != "unknown_field" {
					t.Fatalf("field errors: %s", r.Body)
				}
			}},
		{Name: "wrong type", Method: "POST", Path: "/echo", Body: `{"count":"three"}`, Status: 422, Code: "validation_failed",
			Check: func(t *testing.T, r *apitest.Response) {
				if p := r.Problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "count" {
					t.Fatalf("field errors: %s", r.Body)
				}
			}},
		{Name: "unknown route", Method: "GET", Path: "/nope", Status: 404, Code: "not_found"},
		{Name: "bad cursor", Method: "GET", Path: "/items?cursor=%%%", Status: 400, Code: "invalid_cursor"},
		{Name: "tampered cursor", Method: "GET", Path: "/items?cursor=" + httpapi.EncodeCursor("x", "y"), Status: 400, Code: "invalid_cursor"},
		{Name: "bad limit", Method: "GET", Path: "/items?limit=0", Status: 422, Code: "validation_failed"},
	})
	apitest.Run(t, app, "server errors hide internals", []apitest.Case{
		{Name: "panic", Method: "GET", Path: "/panic", Status: 500, Code: "internal_error", Check: func(t *testing.T, r *apitest.Response) {
			if strings.Contains(string(r.Body), "hunter2") {
				t.Fatalf("panic value leaked: %s", r.Body)
			}
		}},
		{Name: "internal error", Method: "GET", Path: "/fail", Status: 500, Code: "internal_error", Check: func(t *testing.T, r *apitest.Response) {
			if strings.Contains(string(r.Body), "10.0.0.5") {
				t.Fatalf("internal error leaked: %s", r.Body)
			}
		}},
	})
	apitest.Run(t, app, "success", []apitest.Case{
		{Name: "echo", Method: "POST", Path: "/echo", Body: widget{Name: "valve", Count: 3}, Status: 201, Check: func(t *testing.T, r *apitest.Response) {
			var w widget
			r.JSON(t, &w)
			if w != (widget{Name: "valve", Count: 3}) {
				t.Fatalf("echo = %+v", w)
			}
		}},
		{Name: "media type with charset", Method: "POST", Path: "/echo", Body: `{"name":"a"}`,
			Headers: map[string]string{"Content-Type": "application/json; charset=utf-8"}, Status: 201},
	})

	// The panic and the internal error reach the log, with the request id.
	var sawPanic bool
	for _, l := range logs.Lines(t) {
		if l["message"] == "handler panicked" && l["request_id"] != "" {
			sawPanic = true
		}
	}
	if !sawPanic {
		t.Fatal("the panic was not logged")
	}
}

func TestAccessLogAndRequestID(t *testing.T) {
	s, logs := newTestServer(t)
	r := apitest.Do(t, s.App(), "GET", "/healthz", nil, map[string]string{"X-Request-Id": "client-req-0001"})
	if r.Header.Get("X-Request-Id") != "client-req-0001" {
		t.Fatalf("valid incoming id not kept: %q", r.Header.Get("X-Request-Id"))
	}
	r = apitest.Do(t, s.App(), "GET", "/healthz", nil, map[string]string{"X-Request-Id": "bad id\twith spaces"})
	generated := r.Header.Get("X-Request-Id")
	if generated == "" || strings.Contains(generated, " ") {
		t.Fatalf("invalid incoming id should be replaced, got %q", generated)
	}
	var found int
	for _, l := range logs.Lines(t) {
		if l["message"] != "request" {
			continue
		}
		for _, field := range []string{"request_id", "method", "path", "status", "latency_ms", "trace_id", "time", "level"} {
			if _, ok := l[field]; !ok {
				t.Fatalf("access log line lacks %s: %v", field, l)
			}
		}
		if l["request_id"] == "client-req-0001" || l["request_id"] == generated {
			found++
		}
	}
	if found != 2 {
		t.Fatalf("want both requests logged with their ids, found %d", found)
	}
}

func TestSecurityHeadersAndCORS(t *testing.T) {
	s, _ := newTestServer(t)
	r := apitest.Do(t, s.App(), "GET", "/healthz", nil, nil)
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "strict-origin-when-cross-origin",
	} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q", r.Header.Get("Content-Security-Policy"))
	}

	preflight := func(origin string) *apitest.Response {
		return apitest.Do(t, s.App(), "OPTIONS", "/echo", nil, map[string]string{
			"Origin": origin, "Access-Control-Request-Method": "POST",
		})
	}
	if got := preflight("https://app.example.com").Header.Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
		t.Errorf("allowed origin answered %q", got)
	}
	if got := preflight("https://evil.example.com").Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("foreign origin was allowed: %q", got)
	}
}

func TestRateLimit(t *testing.T) {
	s, _ := newTestServer(t)
	for i := range 2 {
		if r := apitest.Do(t, s.App(), "POST", "/limited", nil, nil); r.Status != http.StatusNoContent {
			t.Fatalf("request %d: %d %s", i, r.Status, r.Body)
		}
	}
	r := apitest.Do(t, s.App(), "POST", "/limited", nil, nil)
	if r.Status != http.StatusTooManyRequests || r.Problem(t).Code != "rate_limited" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("third request: %d %v %s", r.Status, r.Header, r.Body)
	}
}

func TestKeysetPages(t *testing.T) {
	s, _ := newTestServer(t)
	var seen []int
	path := "/items?limit=3"
	for pages := 0; path != ""; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		r := apitest.Do(t, s.App(), "GET", path, nil, nil)
		var page struct {
			Items      []item  `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		r.JSON(t, &page)
		for _, it := range page.Items {
			seen = append(seen, it.ID)
		}
		path = ""
		if page.NextCursor != nil {
			path = "/items?limit=3&cursor=" + *page.NextCursor
		}
	}
	if fmt.Sprint(seen) != "[1 2 3 4 5 6 7]" {
		t.Fatalf("pages gave %v", seen)
	}
	var capped struct {
		Items []item `json:"items"`
	}
	apitest.Do(t, s.App(), "GET", "/items?limit=100000", nil, nil).JSON(t, &capped)
	if len(capped.Items) != 7 {
		t.Fatalf("large limit should be capped, not refused: %d items", len(capped.Items))
	}
}

func TestRouteDeclarationsAreChecked(t *testing.T) {
	s, _ := newTestServer(t)
	mustPanic := func(name string, r httpapi.Route) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: registration should panic", name)
			}
		}()
		s.Handle(r)
	}
	h := func(fiber.Ctx) error { return nil }
	mustPanic("no guard for a protected route", httpapi.Route{Method: "GET", Path: "/x", Summary: "x", Permission: "assets.read", Handler: h})
	mustPanic("public and permission", httpapi.Route{Method: "GET", Path: "/x", Summary: "x", Public: true, Permission: "assets.read", Handler: h})
	mustPanic("neither public nor permission", httpapi.Route{Method: "GET", Path: "/x", Summary: "x", Handler: h})
	mustPanic("no summary", httpapi.Route{Method: "GET", Path: "/x", Public: true, Handler: h})
}

// TestGracefulShutdown: a request in flight when the server is told to stop
// finishes with its full response; new connections are refused afterwards.
func TestGracefulShutdown(t *testing.T) {
	s, _ := newTestServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.ServeListener(ctx, ln) }()

	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			done <- result{err: err}
			return
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(resp.Body)
		done <- result{status: resp.StatusCode, body: string(b)}
	}()
	time.Sleep(300 * time.Millisecond) // the request is now inside the handler
	stop()

	r := <-done
	if r.err != nil || r.status != http.StatusOK || r.body != "finished" {
		t.Fatalf("in-flight request: %+v", r)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Fatal("the server still accepts requests after shutdown")
	}
}

// TestBodyLimitOverTheWire checks the limit as a real client meets it.
func TestBodyLimitOverTheWire(t *testing.T) {
	s, _ := newTestServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() { _ = s.ServeListener(ctx, ln) }()
	resp, err := http.Post("http://"+ln.Addr().String()+"/echo", "application/json",
		strings.NewReader(`{"name":"`+strings.Repeat("x", 4096)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !httpapi.IsProblem(resp.Header.Get("Content-Type")) {
		t.Fatalf("status %d, content type %q, body %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestErrorKindsMapToStatuses(t *testing.T) {
	s := httpapi.New(httpapi.Config{Service: "kinds", BodyLimit: 1024, ReadTimeout: time.Second,
		WriteTimeout: time.Second, IdleTimeout: time.Second, ShutdownTimeout: time.Second}, zerolog.Nop())
	kinds := map[errs.Kind]int{
		errs.KindValidation: 422, errs.KindNotFound: 404, errs.KindConflict: 409, errs.KindUnauthenticated: 401,
		errs.KindPermissionDenied: 403, errs.KindFeatureDisabled: 403, errs.KindRateLimited: 429,
		errs.KindPrecondition: 412, errs.KindTooLarge: 413, errs.KindUnavailable: 503, errs.KindBadRequest: 400,
		errs.KindUnsupportedMedia: 415, errs.KindLocked: 423, errs.KindInternal: 500,
	}
	for kind := range kinds {
		s.Handle(httpapi.Route{Method: "GET", Path: fmt.Sprintf("/kind/%d", kind), Public: true, Summary: "kind",
			Handler: func(fiber.Ctx) error { return errs.New(kind, "message") }})
	}
	for kind, status := range kinds {
		r := apitest.Do(t, s.App(), "GET", fmt.Sprintf("/kind/%d", kind), nil, nil)
		if r.Status != status {
			t.Errorf("kind %d answered %d, want %d", kind, r.Status, status)
		}
		r.Problem(t)
	}
}
