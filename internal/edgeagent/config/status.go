package config

import (
	"path/filepath"
	"time"
)

// Status is what a running agent publishes for `edgezu status`, rewritten
// atomically every few seconds (the spool file itself is locked while the
// agent runs).
type Status struct {
	PID            int       `json:"pid"`
	Version        string    `json:"version"`
	StartedAt      time.Time `json:"started_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	QueueEvents    int64     `json:"queue_events"`
	QueueBytes     int64     `json:"queue_bytes"`
	Drops          int64     `json:"drops"`
	Produced       int64     `json:"produced"` // every event ever spooled here, across restarts
	Delivered      int64     `json:"delivered"`
	LastUploadAt   time.Time `json:"last_upload_at,omitzero"`
	LastPollAt     time.Time `json:"last_poll_at,omitzero"`
	LastError      string    `json:"last_error,omitempty"`
	LastErrorAt    time.Time `json:"last_error_at,omitzero"`
	PollInterval   string    `json:"poll_interval"`
	UploadInterval string    `json:"upload_interval"`
	Telemetry      string    `json:"telemetry_interval"`
	Stopped        bool      `json:"stopped"`
}

// StatusPath is where the status lives in dataDir.
func StatusPath(dataDir string) string { return filepath.Join(dataDir, "status.json") }

// SaveStatus publishes the status (0600: it names URLs and errors).
func SaveStatus(dataDir string, s Status) error {
	return WriteJSON(StatusPath(dataDir), s, 0o600)
}

// LoadStatus reads the last published status.
func LoadStatus(dataDir string) (Status, error) {
	var s Status
	return s, ReadJSON(StatusPath(dataDir), &s)
}
