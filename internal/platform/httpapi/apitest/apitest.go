// Package apitest drives a service's real Fiber app (router, middleware,
// error handling) in-process, table-style. Each test file groups its cases by
// outcome: success, validation, permission, cross-tenant, ...
package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
)

// Case is one request and what the caller must see.
type Case struct {
	Name    string
	Method  string
	Path    string
	Body    any // JSON-encoded; a string or []byte is sent as is
	Headers map[string]string

	Status int
	Code   string // the problem code expected when Status >= 400
	Check  func(t *testing.T, r *Response)
}

// Response is what came back.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test on error.
func (r *Response) JSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.Body, err)
	}
}

// Problem is the subset of problem+json tests look at.
type Problem struct {
	Type      string `json:"type"`
	Status    int    `json:"status"`
	Code      string `json:"code"`
	Detail    string `json:"detail"`
	RequestID string `json:"request_id"`
	Errors    []struct {
		Field string `json:"field"`
		Code  string `json:"code"`
	} `json:"errors"`
}

// Run runs cases as subtests of one outcome group.
func Run(t *testing.T, app *fiber.App, group string, cases []Case) {
	t.Helper()
	t.Run(group, func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.Name, func(t *testing.T) {
				r := Do(t, app, tc.Method, tc.Path, tc.Body, tc.Headers)
				if r.Status != tc.Status {
					t.Fatalf("%s %s: status %d, want %d; body: %s", tc.Method, tc.Path, r.Status, tc.Status, r.Body)
				}
				if tc.Status >= 400 {
					p := r.Problem(t)
					if tc.Code != "" && p.Code != tc.Code {
						t.Fatalf("problem code %q, want %q; body: %s", p.Code, tc.Code, r.Body)
					}
				}
				if tc.Check != nil {
					tc.Check(t, r)
				}
			})
		}
	})
}

// Problem asserts the response is problem+json and decodes it.
func (r *Response) Problem(t *testing.T) Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, want application/problem+json; body: %s", ct, r.Body)
	}
	var p Problem
	r.JSON(t, &p)
	if p.Status != r.Status || p.Code == "" || p.RequestID == "" {
		t.Fatalf("incomplete problem: %s", r.Body)
	}
	return p
}

// Do sends one request through the app.
func Do(t *testing.T, app *fiber.App, method, path string, body any, headers map[string]string) *Response {
	t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	case []byte:
		reader = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		reader = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, reader)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	// A hang guard, not a speed check: the largest requests (a dry run of a
	// 50,000-row import) take many times longer while every package's
	// tests share two cores.
	resp, err := app.Test(req, fiber.TestConfig{Timeout: 3 * time.Minute, FailOnTimeout: true})
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}
