package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Settings are the runtime knobs the Cloud may change with config_update.
// A nil field leaves the current value alone.
type Settings struct {
	PollIntervalS      *int    `json:"poll_interval_s,omitempty"`
	TelemetryIntervalS *int    `json:"telemetry_interval_s,omitempty"`
	UploadIntervalS    *int    `json:"upload_interval_s,omitempty"`
	SpoolMaxBytes      *int64  `json:"spool_max_bytes,omitempty"`
	LogLevel           *string `json:"log_level,omitempty"`
}

// ParseSettings reads a config_update payload's settings strictly: unknown
// keys and out-of-range values are errors, so a typo is never silently ignored.
func ParseSettings(raw json.RawMessage) (Settings, error) {
	var s Settings
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, err
	}
	var problems []error
	checkInt := func(name string, v *int, lo, hi int) {
		if v != nil && (*v < lo || *v > hi) {
			problems = append(problems, fmt.Errorf("%s must be between %d and %d", name, lo, hi))
		}
	}
	checkInt("poll_interval_s", s.PollIntervalS, 1, 3600)
	checkInt("telemetry_interval_s", s.TelemetryIntervalS, 5, 86400)
	checkInt("upload_interval_s", s.UploadIntervalS, 1, 3600)
	if s.SpoolMaxBytes != nil && (*s.SpoolMaxBytes < 1<<20 || *s.SpoolMaxBytes > 64<<30) {
		problems = append(problems, errors.New("spool_max_bytes must be between 1 MiB and 64 GiB"))
	}
	if s.LogLevel != nil {
		switch *s.LogLevel {
		case "debug", "info", "warn", "error":
		default:
			problems = append(problems, errors.New("log_level must be debug, info, warn or error"))
		}
	}
	if s == (Settings{}) && len(problems) == 0 {
		problems = append(problems, errors.New("settings change nothing"))
	}
	return s, errors.Join(problems...)
}

// Merge returns s with every field o sets replaced.
func (s Settings) Merge(o Settings) Settings {
	if o.PollIntervalS != nil {
		s.PollIntervalS = o.PollIntervalS
	}
	if o.TelemetryIntervalS != nil {
		s.TelemetryIntervalS = o.TelemetryIntervalS
	}
	if o.UploadIntervalS != nil {
		s.UploadIntervalS = o.UploadIntervalS
	}
	if o.SpoolMaxBytes != nil {
		s.SpoolMaxBytes = o.SpoolMaxBytes
	}
	if o.LogLevel != nil {
		s.LogLevel = o.LogLevel
	}
	return s
}

func settingsPath(dataDir string) string { return filepath.Join(dataDir, "overrides.json") }

// LoadSettings reads the persisted overrides (none is not an error).
func LoadSettings(dataDir string) (Settings, error) {
	var s Settings
	if err := ReadJSON(settingsPath(dataDir), &s); err != nil && !errors.Is(err, os.ErrNotExist) {
		return s, err
	}
	return s, nil
}

// SaveSettings persists the overrides so they survive restarts.
func SaveSettings(dataDir string, s Settings) error {
	return WriteJSON(settingsPath(dataDir), s, 0o600)
}

// Intervals are the loop periods in force.
type Intervals struct {
	Poll, Telemetry, Upload time.Duration
}

// Spec defaults.
var DefaultIntervals = Intervals{Poll: 10 * time.Second, Telemetry: 30 * time.Second, Upload: 5 * time.Second}

// Resolve layers defaults, the operator's file, the Cloud's registration
// answer and the Cloud's overrides, later ones winning.
func Resolve(c Config, id Identity, s Settings) Intervals {
	in := DefaultIntervals
	secs := func(d *time.Duration, v int) {
		if v > 0 {
			*d = time.Duration(v) * time.Second
		}
	}
	secs(&in.Telemetry, c.TelemetryEveryS)
	secs(&in.Poll, id.PollIntervalS)
	secs(&in.Upload, id.UploadIntervalS)
	if s.PollIntervalS != nil {
		secs(&in.Poll, *s.PollIntervalS)
	}
	if s.TelemetryIntervalS != nil {
		secs(&in.Telemetry, *s.TelemetryIntervalS)
	}
	if s.UploadIntervalS != nil {
		secs(&in.Upload, *s.UploadIntervalS)
	}
	return in
}
