package deliveries

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/mgmt/operators"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// Delivery is one push as operators see it.
type Delivery struct {
	ID          uuid.UUID       `db:"id" json:"id"`
	EventID     string          `db:"event_id" json:"event_id"`
	TenantID    uuid.UUID       `db:"managed_tenant_id" json:"tenant_id"`
	Payload     json.RawMessage `db:"payload" json:"payload"`
	Status      string          `db:"status" json:"status" enum:"pending delivered failed"`
	Attempts    int             `db:"attempts" json:"attempts"`
	LastError   string          `db:"last_error" json:"last_error"`
	CreatedAt   time.Time       `db:"created_at" json:"created_at"`
	GiveUpAt    time.Time       `db:"give_up_at" json:"give_up_at"`
	DeliveredAt *time.Time      `db:"delivered_at" json:"delivered_at"`
}

// Attempt is one try of a delivery.
type Attempt struct {
	At         time.Time `db:"at" json:"at"`
	StatusCode *int      `db:"status_code" json:"status_code"`
	LatencyMS  int       `db:"latency_ms" json:"latency_ms"`
	Error      string    `db:"error" json:"error"`
	Response   string    `db:"response" json:"response"`
}

// DeliveryDetail is a delivery with its attempts, oldest first.
type DeliveryDetail struct {
	Delivery
	AttemptLog []Attempt `json:"attempt_log"`
}

const deliveryColumns = `id, event_id, managed_tenant_id, payload, status, attempts, last_error, created_at, give_up_at, delivered_at`

// Routes registers the delivery log and redelivery for operators.
func (o *Outbox) Routes(s *httpapi.Server, db *database.DB) {
	tags := []string{"webhook deliveries"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/webhook-deliveries", Permission: "mgmt.read", Tags: tags,
		Summary: "Licence pushes to the Cloud, newest first", Query: httpapi.PageQuery{}, Response: httpapi.Page[Delivery]{},
		Handler: func(c fiber.Ctx) error {
			page, err := httpapi.ParsePage(c)
			if err != nil {
				return err
			}
			list, err := listDeliveries(c.Context(), db, page)
			if err != nil {
				return err
			}
			return c.JSON(list)
		}})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/webhook-deliveries/:id", Permission: "mgmt.read", Tags: tags,
		Summary: "A licence push with every attempt", Response: DeliveryDetail{},
		Handler: func(c fiber.Ctx) error {
			id, err := httpapi.PathID(c, "id", "delivery")
			if err != nil {
				return err
			}
			var d DeliveryDetail
			err = db.InGlobal(c.Context(), func(tx *database.Tx) error {
				if err := tx.Get(c.Context(), &d.Delivery, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = $1`, id); err != nil {
					return err
				}
				return tx.Select(c.Context(), &d.AttemptLog, `SELECT at, status_code, latency_ms, error, response
					FROM webhook_attempts WHERE delivery_id = $1 ORDER BY at, id`, id)
			})
			if errs.Is(err, errs.KindNotFound) {
				return errs.NotFound("delivery")
			}
			if err != nil {
				return err
			}
			if d.AttemptLog == nil {
				d.AttemptLog = []Attempt{}
			}
			return c.JSON(d)
		}})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: "/api/v1/webhook-deliveries/:id/redeliver", Permission: "mgmt.write", Tags: tags,
		Summary: "Deliver a push again (for another 24 hours of retries)", Status: http.StatusAccepted, Response: Delivery{},
		Handler: func(c fiber.Ctx) error {
			id, err := httpapi.PathID(c, "id", "delivery")
			if err != nil {
				return err
			}
			d, err := o.Redeliver(c.Context(), db, id)
			if err != nil {
				return err
			}
			return c.Status(http.StatusAccepted).JSON(d)
		}})
}

func listDeliveries(ctx context.Context, db *database.DB, page httpapi.PageRequest) (httpapi.Page[Delivery], error) {
	var rows []Delivery
	err := db.InGlobal(ctx, func(tx *database.Tx) error {
		if !page.HasCursor() {
			return tx.Select(ctx, &rows, `SELECT `+deliveryColumns+` FROM webhook_deliveries
				ORDER BY created_at DESC, id DESC LIMIT $1`, page.Limit+1)
		}
		var at time.Time
		var id uuid.UUID
		if err := page.After(&at, &id); err != nil {
			return err
		}
		return tx.Select(ctx, &rows, `SELECT `+deliveryColumns+` FROM webhook_deliveries
			WHERE (created_at, id) < ($1, $2) ORDER BY created_at DESC, id DESC LIMIT $3`, at, id, page.Limit+1)
	})
	return httpapi.NewPage(rows, page.Limit, func(d Delivery) []any { return []any{d.CreatedAt, d.ID} }), err
}

// Redeliver puts a delivered or failed push back in the queue with a fresh
// 24 hours of retries. The Cloud applies each event once, so delivering a
// push again is always safe.
func (o *Outbox) Redeliver(ctx context.Context, db *database.DB, id uuid.UUID) (Delivery, error) {
	var d Delivery
	err := db.InGlobal(ctx, func(tx *database.Tx) error {
		err := tx.Get(ctx, &d, `UPDATE webhook_deliveries SET status = 'pending', give_up_at = $2
			WHERE id = $1 RETURNING `+deliveryColumns, id, o.now().Add(GiveUpAfter))
		if errs.Is(err, errs.KindNotFound) {
			return errs.NotFound("delivery")
		}
		if err != nil {
			return err
		}
		if err := o.queue.Enqueue(ctx, tx, DeliverArgs{DeliveryID: id}, deliverOpts()); err != nil {
			return err
		}
		return operators.WriteAudit(ctx, tx, operators.AuditRecord{Action: "webhook_deliveries.redeliver",
			ResourceType: "webhook_delivery", ResourceID: id.String(), Summary: "Licence push " + d.EventID + " queued again"})
	})
	return d, err
}
