package agent

import (
	"crypto/ed25519"
	"log/slog"
	"sync"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/config"
	"github.com/monozu/monozu/internal/edgeagent/update"
)

// settingsStore holds the Cloud's overrides (commands.Settings).
type settingsStore struct {
	agent   *Agent
	mu      sync.Mutex
	current config.Settings
	in      config.Intervals
}

func (s *settingsStore) Current() config.Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current
}

// Apply persists first: an override that is not on disk would be lost at
// the next restart while the Cloud believes it applied.
func (s *settingsStore) Apply(next config.Settings) error {
	if err := config.SaveSettings(s.agent.opts.DataDir, next); err != nil {
		return err
	}
	s.mu.Lock()
	s.current = next
	s.mu.Unlock()
	s.resolve()
	return nil
}

func (s *settingsStore) resolve() {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.agent
	s.in = config.Resolve(a.opts.Config, a.opts.Identity, s.current)
	if s.current.LogLevel != nil {
		a.level.Set(parseLevel(*s.current.LogLevel))
	}
	if s.current.SpoolMaxBytes != nil && a.spool != nil {
		a.spool.SetMaxBytes(*s.current.SpoolMaxBytes)
	}
}

func (s *settingsStore) intervals() config.Intervals {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.in
}

// tracker gathers what the status file reports.
type tracker struct {
	mu sync.Mutex
	st config.Status
}

func (t *tracker) delivered(n int, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.st.Delivered += int64(n)
	t.st.LastUploadAt = at
}

func (t *tracker) failed(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.st.LastError, t.st.LastErrorAt = err.Error(), time.Now().UTC()
}

func (t *tracker) polled(at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.st.LastPollAt = at
}

func (t *tracker) snapshot() config.Status {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.st
}

// releaseKey is the configured key, else the built-in one; none (or a bad
// one, logged) leaves updates refused.
func releaseKey(c config.Config, log *slog.Logger) ed25519.PublicKey {
	s := c.ReleasePubKey
	if s == "" {
		s = update.BuiltinPublicKey
	}
	if s == "" {
		return nil
	}
	key, err := update.ParsePublicKey(s)
	if err != nil {
		log.Error("release public key is unusable; updates are refused", "error", err.Error())
		return nil
	}
	return key
}
