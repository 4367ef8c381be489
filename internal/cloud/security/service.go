package security

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
)

// Service is the alert use cases.
type Service struct {
	db  *database.DB
	now func() time.Time
}

// NewService wires the service on the app pool.
func NewService(db *database.DB) *Service { return &Service{db: db, now: time.Now} }

// Alerts lists the tenant's alerts matching f, newest first, after the
// cursor; it reads one more than limit (httpapi.NewPage).
func (s *Service) Alerts(ctx context.Context, f Filter, after *Cursor, limit int) ([]Alert, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]Alert, error) {
		alerts, err := listAlerts(ctx, tx, f, after, limit+1)
		for i := range alerts {
			alerts[i] = alerts[i].UTC()
		}
		return alerts, err
	})
}

// Alert returns one alert.
func (s *Service) Alert(ctx context.Context, id uuid.UUID) (Alert, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Alert, error) {
		a, err := alertByID(ctx, tx, id, false)
		return a.UTC(), err
	})
}

// Acknowledge marks a new alert acknowledged by the caller, with an audit
// record; an acknowledged one is answered as it is (see
// Alert.Acknowledge).
func (s *Service) Acknowledge(ctx context.Context, id uuid.UUID) (Alert, error) {
	p, _ := auth.PrincipalFrom(ctx)
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Alert, error) {
		before, err := alertByID(ctx, tx, id, true)
		if err != nil {
			return Alert{}, err
		}
		after, changed, err := before.Acknowledge(p.ActorID, s.now().UTC())
		if err != nil || !changed {
			return before.UTC(), err
		}
		if after, err = writeAcknowledgement(ctx, tx, after); err != nil {
			return Alert{}, err
		}
		err = audit.Write(ctx, tx, audit.Record{Action: "security_alerts.acknowledge", ResourceType: "security_alert",
			ResourceID: id.String(), Summary: "Alert acknowledged: " + before.Title,
			Changes: map[string]audit.Change{"status": {Before: before.Status, After: after.Status}}})
		return after.UTC(), err
	})
}

// Timeline counts the tenant's alerts in r per bucket and severity.
func (s *Service) Timeline(ctx context.Context, r TimelineRange) (Timeline, error) {
	counts, err := database.InTenantResult(ctx, s.db, func(tx *database.Tx) (map[time.Time]*SeverityCounts, error) {
		return countTimeline(ctx, tx, r)
	})
	if err != nil {
		return Timeline{}, err
	}
	t := Timeline{Bucket: r.Bucket, From: r.From, To: r.To, Points: []TimelinePoint{}}
	size := bucketSize(r.Bucket)
	for start := r.From; start.Before(r.To); start = start.Add(size) {
		p := TimelinePoint{Start: start}
		if c := counts[start]; c != nil {
			p.Counts = *c
		}
		t.Points = append(t.Points, p)
	}
	return t, nil
}
