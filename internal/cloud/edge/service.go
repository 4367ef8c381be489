package edge

import (
	"context"
	"time"

	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/database"
)

// Licences tells the fleet the tenant's licence (max_devices).
type Licences interface {
	Current(ctx context.Context) (*licensing.License, error)
}

// Config are the fleet's settings from the process.
type Config struct {
	// IngestURL is the ingestor's public base URL handed to devices.
	IngestURL string
	// Clock is the time commands, keys and statuses are judged at; nil
	// means the wall clock.
	Clock func() time.Time
	// CommandLease is how long a polled command is the device's; zero
	// means CommandLease.
	CommandLease time.Duration
}

// Service is the fleet's use cases. People's methods run in the tenant of
// the principal on ctx; device methods in the tenant of the device.
type Service struct {
	db       *database.DB
	licences Licences
	keys     *DeviceKeys
	ingest   string
	now      func() time.Time
	lease    time.Duration
}

// NewService wires the fleet; keys is the authenticator whose cache a
// deregistration clears.
func NewService(db *database.DB, licences Licences, keys *DeviceKeys, cfg Config) *Service {
	now := cfg.Clock
	if now == nil {
		now = time.Now
	}
	lease := cfg.CommandLease
	if lease <= 0 {
		lease = CommandLease
	}
	return &Service{db: db, licences: licences, keys: keys, ingest: cfg.IngestURL, now: now, lease: lease}
}

// nowUTC is the service clock in UTC, to the microsecond PostgreSQL keeps.
func (s *Service) nowUTC() time.Time { return s.now().UTC().Truncate(time.Microsecond) }
