package mail

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

const resendKey = "re_test_0123456789abcdef"

// resendAPI is an httptest server speaking Resend's POST /emails: it records
// each request and answers with the configured status.
type resendAPI struct {
	url string

	mu       sync.Mutex
	status   int
	answer   string
	requests []resendRequest
}

type resendRequest struct {
	method, path, authorization, contentType, idempotencyKey string
	body                                                     map[string]any
}

func startResendAPI(t *testing.T) *resendAPI {
	t.Helper()
	api := &resendAPI{status: http.StatusOK, answer: `{"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}`}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read request body: %v", err)
		}
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("request body %q is not JSON: %v", raw, err)
		}
		api.mu.Lock()
		defer api.mu.Unlock()
		api.requests = append(api.requests, resendRequest{
			method: r.Method, path: r.URL.Path, authorization: r.Header.Get("Authorization"),
			contentType: r.Header.Get("Content-Type"), idempotencyKey: r.Header.Get("Idempotency-Key"), body: body,
		})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(api.status)
		_, _ = io.WriteString(w, api.answer)
	}))
	t.Cleanup(server.Close)
	api.url = server.URL
	return api
}

func (a *resendAPI) answerWith(status int, answer string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.status, a.answer = status, answer
}

func (a *resendAPI) received() []resendRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.requests)
}

func newResend(t *testing.T, baseURL string) *Resend {
	t.Helper()
	mailer, err := NewResend(ResendConfig{APIKey: resendKey, From: sender, BaseURL: baseURL})
	if err != nil {
		t.Fatalf("NewResend: %v", err)
	}
	return mailer
}

func TestResendPostsTheMessage(t *testing.T) {
	api := startResendAPI(t)
	mailer := newResend(t, api.url)
	m := Message{
		To:             []string{"Ada Lovelace <ada@example.com>", "bob@example.org"},
		Subject:        "Einladung für Café ✓",
		Text:           "Hallo Ada",
		HTML:           "<p>Hallo Ada</p>",
		Tag:            "invitation",
		IdempotencyKey: "invitation/7f3c",
	}

	if err := mailer.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}

	requests := api.received()
	if len(requests) != 1 {
		t.Fatalf("API received %d requests, want 1", len(requests))
	}
	got := requests[0]
	if got.method != http.MethodPost || got.path != "/emails" {
		t.Errorf("request = %s %s, want POST /emails", got.method, got.path)
	}
	if got.authorization != "Bearer "+resendKey {
		t.Errorf("Authorization = %q, want the bearer API key", got.authorization)
	}
	if got.contentType != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got.contentType)
	}
	if got.idempotencyKey != m.IdempotencyKey {
		t.Errorf("Idempotency-Key = %q, want %q", got.idempotencyKey, m.IdempotencyKey)
	}
	want := map[string]any{
		"from":    sender,
		"to":      []any{"Ada Lovelace <ada@example.com>", "bob@example.org"},
		"subject": m.Subject,
		"text":    m.Text,
		"html":    m.HTML,
	}
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(got.body)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("body = %s, want %s", gotJSON, wantJSON)
	}
}

func TestResendUnderABasePathWithoutOptionalFields(t *testing.T) {
	api := startResendAPI(t)
	if err := newResend(t, api.url+"/relay").Send(context.Background(), validMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := api.received()[0]
	if got.path != "/relay/emails" {
		t.Errorf("path = %q, want /relay/emails", got.path)
	}
	if _, hasHTML := got.body["html"]; hasHTML || got.idempotencyKey != "" {
		t.Errorf("html %v and Idempotency-Key %q, want neither", got.body["html"], got.idempotencyKey)
	}
}

func TestResendClassifiesAnswers(t *testing.T) {
	cases := []struct {
		name          string
		status        int
		answer        string
		wantTemporary bool
		wantDetail    string
	}{
		{"validation error", http.StatusUnprocessableEntity, `{"statusCode":422,"name":"validation_error","message":"Invalid to field."}`, false, "validation_error: Invalid to field."},
		{"key echoed by a proxy", http.StatusUnauthorized, `{"name":"missing_api_key","message":"bad header Bearer ` + resendKey + `"}`, false, "[redacted]"},
		{"rate limited", http.StatusTooManyRequests, `{"name":"rate_limit_exceeded","message":"Too many requests."}`, true, "rate_limit_exceeded"},
		{"unavailable", http.StatusServiceUnavailable, `<html>upstream down</html>`, true, "503"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := startResendAPI(t)
			api.answerWith(tc.status, tc.answer)

			err := newResend(t, api.url).Send(context.Background(), validMessage())
			if err == nil {
				t.Fatal("Send = nil, want an error")
			}
			if IsTemporary(err) != tc.wantTemporary {
				t.Errorf("IsTemporary(%v) = %v, want %v", err, IsTemporary(err), tc.wantTemporary)
			}
			if !strings.Contains(err.Error(), tc.wantDetail) {
				t.Errorf("error %q does not mention %q", err, tc.wantDetail)
			}
			if strings.Contains(err.Error(), resendKey) {
				t.Errorf("error %q contains the API key", err)
			}
		})
	}

	t.Run("unreachable", func(t *testing.T) {
		unreachable := httptest.NewServer(http.NotFoundHandler())
		unreachable.Close()

		err := newResend(t, unreachable.URL).Send(context.Background(), validMessage())
		if !IsTemporary(err) || strings.Contains(err.Error(), resendKey) {
			t.Errorf("Send = %v, want a temporary error without the API key", err)
		}
	})

	t.Run("invalid message is refused before calling", func(t *testing.T) {
		api := startResendAPI(t)
		err := newResend(t, api.url).Send(context.Background(), Message{To: []string{"nobody"}, Subject: "x", Text: "x"})
		if !errors.Is(err, ErrInvalidMessage) || IsTemporary(err) || len(api.received()) != 0 {
			t.Errorf("Send = %v after %d requests, want a permanent ErrInvalidMessage and none", err, len(api.received()))
		}
	})
}

func TestResendRespectsTheContext(t *testing.T) {
	api := startResendAPI(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := newResend(t, api.url).Send(ctx, validMessage())
	if !errors.Is(err, context.Canceled) || !IsTemporary(err) {
		t.Errorf("Send = %v, want a temporary context.Canceled", err)
	}
}

func TestNewResendRefusesBadConfiguration(t *testing.T) {
	cases := []struct {
		name string
		cfg  ResendConfig
	}{
		{"no API key", ResendConfig{From: sender}},
		{"bad from", ResendConfig{APIKey: resendKey, From: "monozu"}},
		{"relative base URL", ResendConfig{APIKey: resendKey, From: sender, BaseURL: "api.resend.com"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewResend(tc.cfg)
			if err == nil {
				t.Fatal("NewResend = nil error, want one")
			}
			if strings.Contains(err.Error(), resendKey) {
				t.Errorf("error %q contains the API key", err)
			}
		})
	}
}
