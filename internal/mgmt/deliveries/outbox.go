// Package deliveries pushes licence changes to the Cloud and never loses
// one: a change writes its push into the outbox in its own transaction, a
// job delivers it (HMAC-signed, internal/platform/webhook) with exponential
// backoff for up to 24 hours, and every attempt is recorded for operators,
// who can also redeliver by hand.
package deliveries

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/jobs"
)

// Payload is the body of a licence push, the contract of the Cloud's
// POST /internal/license/refresh (spec 20-management).
type Payload struct {
	EventID   string         `json:"event_id"`
	TenantID  uuid.UUID      `json:"tenant_id"` // the Cloud's tenant id
	Status    string         `json:"status"`
	Plan      string         `json:"plan"`
	Features  []string       `json:"features"`
	Limits    map[string]int `json:"limits"`
	StartsAt  *time.Time     `json:"starts_at,omitempty"`
	ExpiresAt *time.Time     `json:"expires_at"`
	GraceDays int            `json:"grace_days"`
	IssuedAt  time.Time      `json:"issued_at"`
}

// GiveUpAfter is how long a push is retried before it is marked failed.
const GiveUpAfter = 24 * time.Hour

// DeliverArgs asks for one attempt (and its retries) of a delivery.
type DeliverArgs struct {
	DeliveryID uuid.UUID `json:"delivery_id"`
}

// Kind names the job.
func (DeliverArgs) Kind() string { return "mgmt_license_delivery" }

// Outbox writes pushes with the change that causes them.
type Outbox struct {
	queue *jobs.Queue
	now   func() time.Time
}

// NewOutbox wires the outbox to the job queue.
func NewOutbox(queue *jobs.Queue) *Outbox { return &Outbox{queue: queue, now: time.Now} }

// Enqueue records the push of p for the management tenant tenantID and
// schedules its delivery, inside tx: the push exists if and only if the
// change commits. EventID and IssuedAt are filled in here.
func (o *Outbox) Enqueue(ctx context.Context, tx *database.Tx, tenantID uuid.UUID, p Payload) (uuid.UUID, error) {
	id := uuid.Must(uuid.NewV7())
	now := o.now().UTC()
	p.EventID = id.String()
	p.IssuedAt = now
	if p.Features == nil {
		p.Features = []string{}
	}
	if p.Limits == nil {
		p.Limits = map[string]int{}
	}
	body, err := json.Marshal(p)
	if err != nil {
		return uuid.Nil, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO webhook_deliveries (id, event_id, managed_tenant_id, payload, created_at, give_up_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, p.EventID, tenantID, body, now, now.Add(GiveUpAfter)); err != nil {
		return uuid.Nil, err
	}
	return id, o.queue.Enqueue(ctx, tx, DeliverArgs{DeliveryID: id}, deliverOpts())
}

// deliverOpts gives a delivery enough attempts to span GiveUpAfter with
// the backoff of RetryPolicy.
func deliverOpts() *river.InsertOpts { return &river.InsertOpts{MaxAttempts: 60} }
