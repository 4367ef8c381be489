// Package event is the unit the agent ships to the ingestor: one
// {id, kind, timestamp, data} object of the ingest contract.
package event

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// The kinds of the ingest contract.
const (
	KindTelemetry     = "telemetry"
	KindLog           = "log"
	KindSecurityAlert = "security_alert"
	KindDiscovery     = "discovery"
	KindBackupEvent   = "backup_event"
)

// Event is one ingest event. The id is chosen once, when the event is
// created, and reused on every retry so the ingestor stores it once.
type Event struct {
	ID        string          `json:"id"`
	Kind      string          `json:"kind"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// New makes an event of kind with a fresh UUID, stamped now (UTC).
func New(kind string, data any) (Event, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return Event{}, fmt.Errorf("encode %s event: %w", kind, err)
	}
	return Event{ID: uuid.NewString(), Kind: kind, Timestamp: time.Now().UTC(), Data: raw}, nil
}

// Priority orders kinds for the spool's drop policy: lower is dropped first.
func Priority(kind string) int {
	switch kind {
	case KindSecurityAlert, KindBackupEvent:
		return 2
	case KindDiscovery:
		return 1
	default:
		return 0
	}
}

// Log is the data of a log event.
type Log struct {
	Level   string `json:"level"`
	Message string `json:"message"`
	Source  string `json:"source"`
}
