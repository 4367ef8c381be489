package commands

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
	"github.com/monozu/monozu/internal/edgeagent/config"
)

// ledgerSize is how many recent commands are remembered: far more than the
// Cloud can redeliver within a lease.
const ledgerSize = 1000

// entry is what the agent remembers of one command.
type entry struct {
	Type     string        `json:"type"`
	Started  time.Time     `json:"started"`
	Finished bool          `json:"finished"`
	Acked    bool          `json:"acked"`
	Ack      *cloudapi.Ack `json:"ack,omitempty"`
}

// Ledger persists which commands ran, so a redelivered command (after a
// lost ack or a restart) is answered from memory instead of run twice.
type Ledger struct {
	path    string
	mu      sync.Mutex
	entries map[string]*entry
}

// OpenLedger loads the ledger from dataDir.
func OpenLedger(dataDir string) (*Ledger, error) {
	l := &Ledger{path: filepath.Join(dataDir, "commands.json"), entries: map[string]*entry{}}
	if err := config.ReadJSON(l.path, &l.entries); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	return l, nil
}

func (l *Ledger) get(id string) (entry, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[id]
	if !ok {
		return entry{}, false
	}
	return *e, true
}

func (l *Ledger) put(id string, e entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries[id] = &e
	if len(l.entries) > ledgerSize {
		ids := make([]string, 0, len(l.entries))
		for k := range l.entries {
			ids = append(ids, k)
		}
		sort.Slice(ids, func(i, j int) bool { return l.entries[ids[i]].Started.Before(l.entries[ids[j]].Started) })
		for _, k := range ids[:len(ids)-ledgerSize] {
			delete(l.entries, k)
		}
	}
	return config.WriteJSON(l.path, l.entries, 0o600)
}
