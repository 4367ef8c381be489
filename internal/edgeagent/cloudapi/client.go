// Package cloudapi is the agent's client of the Cloud's public device API
// and of the ingestor: registration, commands, acks, ingest and releases.
package cloudapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxAnswer bounds every answer body the agent reads (releases excepted).
const maxAnswer = 4 << 20

// Client talks to one Cloud (and its ingestor) as one device.
type Client struct {
	CloudURL  string // e.g. https://cloud.example.com (the /api/v1 prefix is added)
	IngestURL string // base of POST /v1/ingest
	DeviceKey string
	UserAgent string
	HTTP      *http.Client
}

// New returns a client with a bounded HTTP client.
func New(cloudURL, ingestURL, deviceKey, userAgent string) *Client {
	return &Client{
		CloudURL: strings.TrimRight(cloudURL, "/"), IngestURL: strings.TrimRight(ingestURL, "/"),
		DeviceKey: deviceKey, UserAgent: userAgent,
		HTTP: &http.Client{Timeout: 60 * time.Second},
	}
}

// FieldError is one entry of a problem's errors list.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Index   *int   `json:"index,omitempty"`
}

// Problem is an RFC 9457 error answer (or a stand-in for a non-problem one).
type Problem struct {
	Status     int           `json:"status"`
	Code       string        `json:"code"`
	Title      string        `json:"title"`
	Detail     string        `json:"detail"`
	Errors     []FieldError  `json:"errors"`
	RetryAfter time.Duration `json:"-"`
}

func (p *Problem) Error() string {
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	if p.Code != "" {
		return fmt.Sprintf("%d %s: %s", p.Status, p.Code, msg)
	}
	return fmt.Sprintf("%d: %s", p.Status, msg)
}

// Retryable says whether a failed call may be repeated as is: 429, 5xx and
// network errors (anything that is not a Problem) are; other answers are not.
func Retryable(err error) bool {
	var p *Problem
	if errors.As(err, &p) {
		return p.Status == http.StatusTooManyRequests || p.Status >= 500
	}
	return err != nil && !errors.Is(err, context.Canceled)
}

// RetryAfter is the server's Retry-After on a failed call, or zero.
func RetryAfter(err error) time.Duration {
	var p *Problem
	if errors.As(err, &p) {
		return p.RetryAfter
	}
	return 0
}

func (c *Client) do(ctx context.Context, method, u string, header http.Header, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	if c.DeviceKey != "" && req.Header.Get("X-Provisioning-Key") == "" {
		req.Header.Set("X-Device-Key", c.DeviceKey)
	}
	req.Header.Set("Accept", "application/json, application/problem+json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode >= 300 {
		return readProblem(resp)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(out); err != nil {
		return fmt.Errorf("decode answer of %s %s: %w", method, req.URL.Path, err)
	}
	return nil
}

func readProblem(resp *http.Response) error {
	p := &Problem{}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if json.Unmarshal(raw, p) != nil || p.Title == "" && p.Code == "" {
		p.Title = http.StatusText(resp.StatusCode)
	}
	p.Status = resp.StatusCode
	if s := resp.Header.Get("Retry-After"); s != "" {
		if secs, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && secs >= 0 {
			p.RetryAfter = time.Duration(secs) * time.Second
		} else if t, err := http.ParseTime(s); err == nil {
			p.RetryAfter = max(time.Until(t), 0)
		}
	}
	return p
}

func jsonBody(v any) (io.Reader, http.Header, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, nil, err
	}
	return bytes.NewReader(raw), http.Header{"Content-Type": {"application/json"}}, nil
}

// Facts describe the device at registration.
type Facts struct {
	Name         string   `json:"name"`
	Location     string   `json:"location,omitempty"`
	Type         string   `json:"type,omitempty"`
	Hostname     string   `json:"hostname"`
	AgentVersion string   `json:"agent_version"`
	OS           string   `json:"os"`
	Arch         string   `json:"arch"`
	Capabilities []string `json:"capabilities"`
}

// Registration is the Cloud's answer to a successful registration.
type Registration struct {
	DeviceID        string `json:"device_id"`
	DeviceKey       string `json:"device_key"`
	TenantID        string `json:"tenant_id"`
	IngestURL       string `json:"ingest_url"`
	PollIntervalS   int    `json:"poll_interval_s"`
	UploadIntervalS int    `json:"upload_interval_s"`
}

// Register exchanges a provisioning key for a device identity.
func (c *Client) Register(ctx context.Context, account, provisioningKey string, facts Facts) (Registration, error) {
	body, header, err := jsonBody(struct {
		AccountName string `json:"account_name"`
		Facts
	}{account, facts})
	if err != nil {
		return Registration{}, err
	}
	header.Set("X-Provisioning-Key", provisioningKey)
	var reg Registration
	err = c.do(ctx, http.MethodPost, c.CloudURL+"/api/v1/devices/register", header, body, &reg)
	if err == nil && (reg.DeviceID == "" || reg.DeviceKey == "") {
		err = errors.New("registration answer lacks device_id or device_key")
	}
	return reg, err
}

// Command is one pending command delivered to the device.
type Command struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Payload   json.RawMessage `json:"payload"`
	IssuedAt  time.Time       `json:"issued_at"`
	ExpiresAt time.Time       `json:"expires_at"`
}

// Commands polls the device's pending commands (and so is its heartbeat).
func (c *Client) Commands(ctx context.Context) ([]Command, error) {
	var cmds []Command
	err := c.do(ctx, http.MethodGet, c.CloudURL+"/api/v1/commands", nil, nil, &cmds)
	return cmds, err
}

// Ack is the outcome of a command.
type Ack struct {
	Status string          `json:"status"` // completed | failed | rejected
	Result json.RawMessage `json:"result,omitempty"`
	Error  string          `json:"error,omitempty"`
}

// AckCommand reports a command's outcome.
func (c *Client) AckCommand(ctx context.Context, id string, ack Ack) error {
	body, header, err := jsonBody(ack)
	if err != nil {
		return err
	}
	return c.do(ctx, http.MethodPost, c.CloudURL+"/api/v1/commands/"+url.PathEscape(id)+"/ack", header, body, nil)
}

// Ingest posts one batch (a JSON array) gzip-compressed.
func (c *Client) Ingest(ctx context.Context, batch []byte) error {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if _, err := zw.Write(batch); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	header := http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"gzip"}}
	return c.do(ctx, http.MethodPost, c.IngestURL+"/v1/ingest", header, &buf, nil)
}

// Release describes an agent build offered by the Cloud.
type Release struct {
	Version     string `json:"version"`
	SHA256      string `json:"sha256"`
	Signature   string `json:"signature"`
	Size        int64  `json:"size"`
	DownloadURL string `json:"download_url"`
}

// LatestRelease asks for the newest build of a channel for this platform.
func (c *Client) LatestRelease(ctx context.Context, channel, goos, goarch string) (Release, error) {
	q := url.Values{"channel": {channel}, "os": {goos}, "arch": {goarch}}
	var rel Release
	err := c.do(ctx, http.MethodGet, c.CloudURL+"/api/v1/snaps/latest?"+q.Encode(), nil, nil, &rel)
	return rel, err
}

// Download streams a release into w, at most limit bytes. A relative or
// missing download URL resolves against the Cloud.
func (c *Client) Download(ctx context.Context, rel Release, w io.Writer, limit int64) error {
	u := c.CloudURL + "/api/v1/snaps/" + url.PathEscape(rel.Version) + "/download"
	if rel.DownloadURL != "" {
		base, err := url.Parse(c.CloudURL + "/")
		if err != nil {
			return err
		}
		ref, err := url.Parse(rel.DownloadURL)
		if err != nil {
			return fmt.Errorf("bad download_url: %w", err)
		}
		u = base.ResolveReference(ref).String()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if sameHost(u, c.CloudURL) {
		req.Header.Set("X-Device-Key", c.DeviceKey)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode >= 300 {
		return readProblem(resp)
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return fmt.Errorf("download release: %w", err)
	}
	if n > limit {
		return fmt.Errorf("release is larger than %d bytes", limit)
	}
	return nil
}

// sameHost keeps the device key from being sent to a third-party blob URL.
func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Host == ub.Host
}
