package edge

import (
	"context"
	"encoding/json"
	"net/netip"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
)

// LastSeenInterval is how often recorded calls are written.
const LastSeenInterval = time.Second

// sighting is what is waiting to be written of one device: its last call
// and its newest telemetry sample (zero times when there is none).
type sighting struct {
	at          time.Time
	ip          string
	telemetry   json.RawMessage
	telemetryAt time.Time
}

// LastSeen records device calls and their newest telemetry samples in
// memory and writes them in batches, one statement per tenant and interval,
// instead of a write of the device's row per request (which would also make
// concurrent requests of a device queue on that row).
type LastSeen struct {
	db  *database.DB
	log zerolog.Logger

	mu      sync.Mutex
	pending map[uuid.UUID]map[uuid.UUID]sighting // tenant → device → latest
}

// NewLastSeen returns a recorder writing to db.
func NewLastSeen(db *database.DB, log zerolog.Logger) *LastSeen {
	return &LastSeen{db: db, log: log, pending: map[uuid.UUID]map[uuid.UUID]sighting{}}
}

// Touch records that the device called from ip at at.
func (l *LastSeen) Touch(d DeviceIdentity, ip string, at time.Time) {
	if addr, err := netip.ParseAddr(ip); err == nil {
		ip = addr.Unmap().String()
	} else {
		ip = ""
	}
	l.merge(d, sighting{at: at, ip: ip})
}

// Telemetry records a stored telemetry sample of the device taken at at;
// the newest becomes the device's latest_telemetry.
func (l *LastSeen) Telemetry(d DeviceIdentity, sample json.RawMessage, at time.Time) {
	l.merge(d, sighting{telemetry: sample, telemetryAt: at})
}

// merge keeps the newer of each part of what is pending for the device.
func (l *LastSeen) merge(d DeviceIdentity, s sighting) {
	l.mu.Lock()
	defer l.mu.Unlock()
	devices := l.pending[d.TenantID]
	if devices == nil {
		devices = map[uuid.UUID]sighting{}
		l.pending[d.TenantID] = devices
	}
	cur := devices[d.DeviceID]
	if s.at.After(cur.at) {
		cur.at, cur.ip = s.at, s.ip
	}
	if s.telemetryAt.After(cur.telemetryAt) {
		cur.telemetry, cur.telemetryAt = s.telemetry, s.telemetryAt
	}
	devices[d.DeviceID] = cur
}

// Run writes every LastSeenInterval until ctx ends, then once more.
func (l *LastSeen) Run(ctx context.Context) error {
	t := time.NewTicker(LastSeenInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			return l.Flush(flushCtx)
		case <-t.C:
			if err := l.Flush(ctx); err != nil && ctx.Err() == nil {
				l.log.Warn().Err(err).Msg("writing device last-seen times failed; they are kept for the next try")
			}
		}
	}
}

// Flush writes what was recorded. What fails to be written is kept, unless
// a newer sighting replaced it meanwhile.
func (l *LastSeen) Flush(ctx context.Context) error {
	l.mu.Lock()
	batch := l.pending
	l.pending = map[uuid.UUID]map[uuid.UUID]sighting{}
	l.mu.Unlock()
	var firstErr error
	for tenantID, devices := range batch {
		if err := l.write(ctx, tenantID, devices); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			for id, s := range devices {
				l.merge(DeviceIdentity{TenantID: tenantID, DeviceID: id}, s)
			}
		}
	}
	return firstErr
}

func (l *LastSeen) write(ctx context.Context, tenantID uuid.UUID, devices map[uuid.UUID]sighting) error {
	n := len(devices)
	ids, ats, ips := make([]uuid.UUID, 0, n), make([]*time.Time, 0, n), make([]string, 0, n)
	samples, sampledAt := make([]*string, 0, n), make([]*time.Time, 0, n)
	for id, s := range devices {
		ids, ips = append(ids, id), append(ips, s.ip)
		ats, sampledAt = append(ats, timeOrNil(s.at)), append(sampledAt, timeOrNil(s.telemetryAt))
		var sample *string
		if !s.telemetryAt.IsZero() {
			text := string(s.telemetry)
			sample = &text
		}
		samples = append(samples, sample)
	}
	ctx = auth.WithPrincipal(ctx, auth.System(tenantID))
	return l.db.InTenant(ctx, func(tx *database.Tx) error {
		// Each part is written only when newer than what the row holds
		// (another process's writer may have been first); the conditions
		// read the row as updated, should a concurrent write change it.
		_, err := tx.Exec(ctx, `UPDATE edge_devices d
			SET last_seen_at = CASE WHEN v.at > coalesce(d.last_seen_at, '-infinity') THEN v.at ELSE d.last_seen_at END,
				last_seen_ip = CASE WHEN v.at > coalesce(d.last_seen_at, '-infinity')
					THEN COALESCE(NULLIF(v.ip, '')::inet, d.last_seen_ip) ELSE d.last_seen_ip END,
				latest_telemetry = CASE WHEN v.sampled_at > coalesce(d.latest_telemetry_at, '-infinity')
					THEN v.sample::jsonb ELSE d.latest_telemetry END,
				latest_telemetry_at = CASE WHEN v.sampled_at > coalesce(d.latest_telemetry_at, '-infinity')
					THEN v.sampled_at ELSE d.latest_telemetry_at END
			FROM unnest($2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::timestamptz[]) AS v(id, at, ip, sample, sampled_at)
			WHERE d.tenant_id = $1 AND d.id = v.id
			  AND (v.at > coalesce(d.last_seen_at, '-infinity') OR v.sampled_at > coalesce(d.latest_telemetry_at, '-infinity'))`,
			tenantID, ids, ats, ips, samples, sampledAt)
		return err
	})
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
