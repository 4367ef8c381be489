// Package edgetest is a small Cloud and ingestor on loopback that speaks the
// public device contract (registration, commands, acks, ingest, releases),
// for the agent's tests. It keeps the ingestor's exactly-once rule (a
// replayed event id is stored once) and counts every delivery per id, so
// tests can prove nothing is lost or stored twice. Tests of the real
// services can replace it with the Cloud and ingestor themselves. It also
// holds the small steps those tests share (Eventually, StopAgent).
package edgetest

import (
	"compress/gzip"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// Credentials the fake accepts.
const (
	Account         = "acme"
	ProvisioningKey = "prov_test_key_0123456789"
	DeviceKey       = "dvc_test_key_0123456789"
	DeviceID        = "7d0f3c9e-6a2b-4c1e-9d55-0a1b2c3d4e5f"
	TenantID        = "2b9d7a10-1111-4e2e-8a1b-99aa00bb11cc"
)

// Event is an event as the ingestor received it.
type Event struct {
	ID        string          `json:"id"`
	Kind      string          `json:"kind"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// Command is a queued command.
type Command struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Payload   json.RawMessage `json:"payload"`
	IssuedAt  time.Time       `json:"issued_at"`
	ExpiresAt time.Time       `json:"expires_at"`
}

// Ack is a command outcome the device sent.
type Ack struct {
	Status string          `json:"status"`
	Result json.RawMessage `json:"result"`
	Error  string          `json:"error"`
}

// Release is what /snaps/latest answers.
type Release struct {
	Version     string `json:"version"`
	SHA256      string `json:"sha256"`
	Signature   string `json:"signature"`
	Size        int64  `json:"size"`
	DownloadURL string `json:"download_url"`
}

// Failure is a canned answer for the next ingest requests.
type Failure struct {
	Status     int
	RetryAfter string
}

// Cloud is the fake. Its fields are guarded by mu; use the methods.
type Cloud struct {
	Server *httptest.Server

	mu         sync.Mutex
	stored     map[string]Event // exactly once, by id
	deliveries map[string]int   // how often each id arrived in a 2xx batch
	order      []string         // ids in the order first stored
	requests   []time.Time      // arrival of every ingest request
	failures   []Failure
	outage     bool
	rejectIDs  map[string]bool
	stall      chan struct{} // when set, ingest stores and then waits on it
	stalled    chan struct{} // closed when a request has stored and stalls
	commands   []Command
	acks       map[string][]Ack
	polls      int
	release    *Release
	blob       []byte
	registered int
}

// New starts the fake on loopback; it stops with the test.
func New(t testing.TB) *Cloud {
	c := &Cloud{stored: map[string]Event{}, deliveries: map[string]int{}, rejectIDs: map[string]bool{}, acks: map[string][]Ack{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/devices/register", c.register)
	mux.HandleFunc("GET /api/v1/commands", c.device(c.listCommands))
	mux.HandleFunc("POST /api/v1/commands/{id}/ack", c.device(c.ack))
	mux.HandleFunc("POST /v1/ingest", c.device(c.ingest))
	mux.HandleFunc("GET /api/v1/snaps/latest", c.device(c.latest))
	mux.HandleFunc("GET /api/v1/snaps/{version}/download", c.device(c.download))
	c.Server = httptest.NewServer(mux)
	t.Cleanup(func() {
		c.mu.Lock()
		if c.stall != nil {
			close(c.stall)
			c.stall = nil
		}
		c.mu.Unlock()
		c.Server.Close()
	})
	return c
}

// URL is the Cloud's (and ingestor's) base URL.
func (c *Cloud) URL() string { return c.Server.URL }

func problem(w http.ResponseWriter, status int, code, detail string, errs []map[string]any) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type": "urn:monozu:problem:" + code, "title": http.StatusText(status), "status": status,
		"code": code, "detail": detail, "errors": errs,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (c *Cloud) device(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Device-Key")), []byte(DeviceKey)) != 1 {
			problem(w, http.StatusUnauthorized, "unauthenticated", "device key refused", nil)
			return
		}
		next(w, r)
	}
}

func (c *Cloud) register(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Key          string   `json:"registration_key"`
		Account      string   `json:"account_name"`
		Name         string   `json:"name"`
		Hostname     string   `json:"hostname"`
		AgentVersion string   `json:"agent_version"`
		OS           string   `json:"os"`
		Arch         string   `json:"arch"`
		Capabilities []string `json:"capabilities"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&body); err != nil {
		problem(w, http.StatusBadRequest, "malformed_body", err.Error(), nil)
		return
	}
	key := r.Header.Get("X-Provisioning-Key")
	if key == "" {
		key = body.Key
	}
	if body.Account != Account || subtle.ConstantTimeCompare([]byte(key), []byte(ProvisioningKey)) != 1 ||
		body.Name == "" || body.OS == "" || body.Arch == "" || body.AgentVersion == "" {
		problem(w, http.StatusUnauthorized, "invalid_registration", "registration refused", nil)
		return
	}
	c.mu.Lock()
	c.registered++
	c.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{
		"device_id": DeviceID, "device_key": DeviceKey, "tenant_id": TenantID,
		"ingest_url": c.Server.URL, "poll_interval_s": 10, "upload_interval_s": 5,
	})
}

// Registrations counts successful registrations.
func (c *Cloud) Registrations() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.registered
}

func (c *Cloud) ingest(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.requests = append(c.requests, time.Now())
	if c.outage {
		c.mu.Unlock()
		// A dead server: the connection closes without an answer.
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	if len(c.failures) > 0 {
		f := c.failures[0]
		c.failures = c.failures[1:]
		c.mu.Unlock()
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		problem(w, f.Status, "unavailable", "canned failure", nil)
		return
	}
	c.mu.Unlock()

	var body io.Reader = http.MaxBytesReader(w, r.Body, 10<<20)
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(body)
		if err != nil {
			problem(w, http.StatusBadRequest, "malformed_body", err.Error(), nil)
			return
		}
		body = io.LimitReader(zr, 10<<20)
	}
	var batch []Event
	if err := json.NewDecoder(body).Decode(&batch); err != nil {
		problem(w, http.StatusBadRequest, "malformed_body", err.Error(), nil)
		return
	}
	c.mu.Lock()
	var bad []map[string]any
	for i, ev := range batch {
		if _, err := uuid.Parse(ev.ID); err != nil || ev.Kind == "" || ev.Timestamp.IsZero() {
			bad = append(bad, map[string]any{"field": fmt.Sprintf("[%d]", i), "code": "invalid", "message": "id, kind and timestamp are required"})
		} else if c.rejectIDs[ev.ID] {
			bad = append(bad, map[string]any{"field": fmt.Sprintf("[%d].data", i), "code": "invalid", "message": "refused by the test"})
		}
	}
	if len(bad) > 0 {
		c.mu.Unlock()
		problem(w, http.StatusBadRequest, "invalid_events", "some events are invalid; nothing stored", bad)
		return
	}
	for _, ev := range batch {
		if _, dup := c.stored[ev.ID]; !dup {
			c.stored[ev.ID] = ev
			c.order = append(c.order, ev.ID)
		}
		c.deliveries[ev.ID]++
	}
	stall, stalled := c.stall, c.stalled
	c.mu.Unlock()
	if stall != nil {
		// Stored, but the answer is held back: the client must treat the
		// batch as undelivered and send it again.
		c.mu.Lock()
		if c.stalled == stalled && stalled != nil {
			close(stalled)
			c.stalled = nil
		}
		c.mu.Unlock()
		<-stall
	}
	w.WriteHeader(http.StatusNoContent)
}

// Stored returns the stored events in the order first stored.
func (c *Cloud) Stored() []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Event, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.stored[id])
	}
	return out
}

// StoredIDs returns the set of stored ids.
func (c *Cloud) StoredIDs() map[string]bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]bool, len(c.stored))
	for id := range c.stored {
		out[id] = true
	}
	return out
}

// Deliveries is how often id arrived in an accepted batch.
func (c *Cloud) Deliveries(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deliveries[id]
}

// IngestRequests returns when each ingest request arrived.
func (c *Cloud) IngestRequests() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Time(nil), c.requests...)
}

// FailNext answers the next ingest requests with these failures.
func (c *Cloud) FailNext(f ...Failure) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failures = append(c.failures, f...)
}

// SetOutage makes ingest drop connections (true) or work again (false).
func (c *Cloud) SetOutage(down bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.outage = down
}

// Reject makes ingest refuse batches containing id with a 400 naming it.
func (c *Cloud) Reject(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rejectIDs[id] = true
}

// StallAfterStore makes ingest store batches but hold every answer until
// the test ends or Unstall; the returned channel closes when the first
// request has stored and stalls.
func (c *Cloud) StallAfterStore() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stall = make(chan struct{})
	c.stalled = make(chan struct{})
	return c.stalled
}

// Unstall answers the held requests and stops stalling.
func (c *Cloud) Unstall() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stall != nil {
		close(c.stall)
		c.stall, c.stalled = nil, nil
	}
}

// Queue adds a command for the device; an empty id gets a UUID.
func (c *Cloud) Queue(cmd Command) string {
	if cmd.ID == "" {
		cmd.ID = uuid.NewString()
	}
	if cmd.IssuedAt.IsZero() {
		cmd.IssuedAt = time.Now().UTC()
	}
	if cmd.ExpiresAt.IsZero() {
		cmd.ExpiresAt = cmd.IssuedAt.Add(time.Hour)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.commands = append(c.commands, cmd)
	return cmd.ID
}

// listCommands delivers every command not yet acked: the fake's lease is
// zero, so each poll is a redelivery and the agent's de-duplication shows.
func (c *Cloud) listCommands(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.polls++
	pending := []Command{}
	for _, cmd := range c.commands {
		if len(c.acks[cmd.ID]) == 0 {
			pending = append(pending, cmd)
		}
	}
	c.mu.Unlock()
	writeJSON(w, http.StatusOK, pending)
}

// Redeliver makes an acked command pending again (a lost ack).
func (c *Cloud) Redeliver(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.acks[id] = nil
}

func (c *Cloud) ack(w http.ResponseWriter, r *http.Request) {
	var a Ack
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&a); err != nil {
		problem(w, http.StatusBadRequest, "malformed_body", err.Error(), nil)
		return
	}
	switch a.Status {
	case "completed", "failed", "rejected":
	default:
		problem(w, http.StatusUnprocessableEntity, "validation_failed", "bad status "+strconv.Quote(a.Status), nil)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	id := r.PathValue("id")
	c.acks[id] = append(c.acks[id], a)
	w.WriteHeader(http.StatusNoContent)
}

// Acks returns every ack received for id (redeliveries make more than one).
func (c *Cloud) Acks(id string) []Ack {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Ack(nil), c.acks[id]...)
}

// Polls counts command polls.
func (c *Cloud) Polls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.polls
}

// SetRelease publishes a release and its bytes.
func (c *Cloud) SetRelease(rel Release, blob []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.release, c.blob = &rel, blob
}

func (c *Cloud) latest(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	rel := c.release
	c.mu.Unlock()
	if rel == nil || r.URL.Query().Get("os") == "" || r.URL.Query().Get("arch") == "" {
		problem(w, http.StatusNotFound, "not_found", "no release", nil)
		return
	}
	writeJSON(w, http.StatusOK, rel)
}

func (c *Cloud) download(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	rel, blob := c.release, c.blob
	c.mu.Unlock()
	if rel == nil || r.PathValue("version") != rel.Version {
		problem(w, http.StatusNotFound, "not_found", "no such release", nil)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(blob)
}
