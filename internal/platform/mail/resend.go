package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/resend/resend-go/v3"
)

// DefaultResendBaseURL is Resend's production API.
const DefaultResendBaseURL = "https://api.resend.com"

// DefaultResendTimeout bounds one API call when ResendConfig.HTTPClient is nil.
const DefaultResendTimeout = 30 * time.Second

// maxErrorDetail caps how much of an error answer ends up in our error.
const maxErrorDetail = 300

// ResendConfig configures the Resend API.
type ResendConfig struct {
	APIKey     string
	From       string       // sender on a domain verified in Resend, e.g. "Monozu <no-reply@example.com>"
	BaseURL    string       // default DefaultResendBaseURL
	HTTPClient *http.Client // default: a client with DefaultResendTimeout
}

// Resend sends mail through the Resend HTTP API (POST /emails). The resend-go
// SDK builds the request: body, bearer token, idempotency key. The answer is
// read here because the SDK turns a 5xx answer into the same untyped error as
// a 4xx one, and that difference decides whether a job retries.
type Resend struct {
	api    *resend.Client
	http   *http.Client
	apiKey string // kept only to scrub it from any answer that echoes it
	from   string
}

// NewResend checks cfg and returns a Mailer for it.
func NewResend(cfg ResendConfig) (*Resend, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("resend: API key is required")
	}
	if _, err := parseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("resend: from: %w", err)
	}
	rawBaseURL := cfg.BaseURL
	if rawBaseURL == "" {
		rawBaseURL = DefaultResendBaseURL
	}
	baseURL, err := url.Parse(rawBaseURL)
	if err != nil || (baseURL.Scheme != "https" && baseURL.Scheme != "http") || baseURL.Host == "" {
		return nil, fmt.Errorf("resend: base URL %q is not an http(s) URL", rawBaseURL)
	}
	// The SDK resolves "emails" against the base URL: without a trailing
	// slash its last path segment would be replaced.
	if !strings.HasSuffix(baseURL.Path, "/") {
		baseURL.Path += "/"
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{Timeout: DefaultResendTimeout}
	}

	api := resend.NewCustomClient(httpClient, cfg.APIKey)
	api.BaseURL = baseURL // always set, so the SDK's RESEND_BASE_URL variable has no say
	return &Resend{api: api, http: httpClient, apiKey: cfg.APIKey, from: cfg.From}, nil
}

// Send posts m to Resend. Reusing an IdempotencyKey within Resend's 24 hours
// returns the first answer instead of sending again.
func (r *Resend) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	req, err := r.api.NewRequestWithOptions(ctx, http.MethodPost, "emails",
		&resend.SendEmailRequest{From: r.from, To: m.To, Subject: m.Subject, Text: m.Text, Html: m.HTML},
		&resend.SendEmailOptions{IdempotencyKey: m.IdempotencyKey})
	if err != nil {
		return permanent(fmt.Errorf("resend: build request: %w", err))
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return fmt.Errorf("resend: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	// Read to the end (bounded) so the connection can be reused; only error
	// answers are looked at, the id of an accepted mail is not needed.
	answer, readErr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))

	switch status := resp.StatusCode; {
	case status >= 200 && status < 300:
		return nil
	case status == http.StatusTooManyRequests || status >= 500:
		return fmt.Errorf("resend: answered %s%s", resp.Status, r.detail(answer, readErr))
	case status >= 400:
		return permanent(fmt.Errorf("resend: answered %s%s", resp.Status, r.detail(answer, readErr)))
	default:
		return fmt.Errorf("resend: unexpected answer %s", resp.Status)
	}
}

// detail extracts Resend's error name and message from an answer, with the
// API key scrubbed in case a proxy on the way echoes the request.
func (r *Resend) detail(answer []byte, readErr error) string {
	if readErr != nil {
		return fmt.Sprintf(" (reading the answer: %v)", readErr)
	}
	var problem struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	}
	if json.Unmarshal(answer, &problem) != nil {
		return ""
	}
	text := problem.Message
	if problem.Name != "" {
		text = strings.TrimSuffix(problem.Name+": "+problem.Message, ": ")
	}
	if text == "" {
		return ""
	}
	text = strings.ReplaceAll(text, r.apiKey, "[redacted]")
	if len(text) > maxErrorDetail {
		text = strings.ToValidUTF8(text[:maxErrorDetail], "") + "…"
	}
	return " (" + text + ")"
}
