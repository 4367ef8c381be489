package edge

import (
	"context"
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

type sighting struct {
	at time.Time
	ip string
}

// LastSeen records device calls in memory and writes them in batches, one
// statement per tenant and interval, instead of one write per request.
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
	l.mu.Lock()
	defer l.mu.Unlock()
	devices := l.pending[d.TenantID]
	if devices == nil {
		devices = map[uuid.UUID]sighting{}
		l.pending[d.TenantID] = devices
	}
	if s, ok := devices[d.DeviceID]; !ok || at.After(s.at) {
		devices[d.DeviceID] = sighting{at: at, ip: ip}
	}
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
				l.Touch(DeviceIdentity{TenantID: tenantID, DeviceID: id}, s.ip, s.at)
			}
		}
	}
	return firstErr
}

func (l *LastSeen) write(ctx context.Context, tenantID uuid.UUID, devices map[uuid.UUID]sighting) error {
	ids := make([]uuid.UUID, 0, len(devices))
	ats := make([]time.Time, 0, len(devices))
	ips := make([]string, 0, len(devices))
	for id, s := range devices {
		ids, ats, ips = append(ids, id), append(ats, s.at), append(ips, s.ip)
	}
	ctx = auth.WithPrincipal(ctx, auth.System(tenantID))
	return l.db.InTenant(ctx, func(tx *database.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE edge_devices d
			SET last_seen_at = v.at, last_seen_ip = COALESCE(NULLIF(v.ip, '')::inet, d.last_seen_ip)
			FROM unnest($2::uuid[], $3::timestamptz[], $4::text[]) AS v(id, at, ip)
			WHERE d.tenant_id = $1 AND d.id = v.id AND (d.last_seen_at IS NULL OR d.last_seen_at < v.at)`,
			tenantID, ids, ats, ips)
		return err
	})
}
