package deliveries

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/webhook"
)

// Backoff between attempts: doubling from a few seconds, capped at an hour,
// so GiveUpAfter holds a few dozen attempts.
const (
	firstRetry = 5 * time.Second
	maxRetry   = time.Hour
)

// Sender delivers pushes to the Cloud (CLOUD_API_URL), signed with the
// shared CLOUD_WEBHOOK_HMAC_SECRET.
type Sender struct {
	db       *database.DB
	cloudURL string
	secret   []byte
	client   *http.Client
	now      func() time.Time
}

// NewSender wires the delivery job.
func NewSender(db *database.DB, cloudURL string, secret []byte) *Sender {
	return &Sender{db: db, cloudURL: strings.TrimSuffix(cloudURL, "/"), secret: secret,
		client: &http.Client{Timeout: 15 * time.Second}, now: time.Now}
}

// AddWorker registers the delivery job.
func (s *Sender) AddWorker(workers *river.Workers) { river.AddWorker(workers, &deliverWorker{s: s}) }

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Sender
}

// NextRetry doubles the wait after each failed attempt, up to an hour.
func (w *deliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	wait := firstRetry << min(job.Attempt, 20)
	return time.Now().Add(min(wait, maxRetry))
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.s.deliver(ctx, job.Args.DeliveryID)
}

type delivery struct {
	Payload  []byte    `db:"payload"`
	Status   string    `db:"status"`
	GiveUpAt time.Time `db:"give_up_at"`
}

// deliver makes one attempt and records it. A failure returns an error so
// the queue retries; past GiveUpAfter the delivery is marked failed.
func (s *Sender) deliver(ctx context.Context, id uuid.UUID) error {
	var d delivery
	if err := s.db.InGlobal(ctx, func(tx *database.Tx) error {
		return tx.Get(ctx, &d, `SELECT payload, status, give_up_at FROM webhook_deliveries WHERE id = $1`, id)
	}); err != nil {
		return err
	}
	if d.Status != "pending" {
		return nil // delivered, or given up and not redelivered
	}
	if s.now().After(d.GiveUpAt) {
		err := s.db.InGlobal(ctx, func(tx *database.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = 'failed' WHERE id = $1 AND status = 'pending'`, id)
			return err
		})
		return errors.Join(river.JobCancel(errors.New("gave up after 24 hours; redeliver by hand")), err)
	}
	status, latency, response, sendErr := s.send(ctx, d.Payload)
	ok := sendErr == nil && status >= 200 && status < 300
	errText := ""
	switch {
	case sendErr != nil:
		errText = sendErr.Error()
	case !ok:
		errText = fmt.Sprintf("the Cloud answered %d", status)
	}
	err := s.db.InGlobal(ctx, func(tx *database.Tx) error {
		var code *int
		if sendErr == nil {
			code = &status
		}
		if _, err := tx.Exec(ctx, `INSERT INTO webhook_attempts (id, delivery_id, status_code, latency_ms, error, response)
			VALUES ($1, $2, $3, $4, $5, $6)`, uuid.Must(uuid.NewV7()), id, code, latency.Milliseconds(), clip(errText), clip(response)); err != nil {
			return err
		}
		if ok {
			_, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = now(),
				last_error = '' WHERE id = $1`, id)
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, id, clip(errText))
		return err
	})
	if err != nil {
		return err
	}
	if !ok {
		return errors.New(errText)
	}
	return nil
}

func (s *Sender) send(ctx context.Context, body []byte) (status int, latency time.Duration, response string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cloudURL+"/internal/license/refresh", bytes.NewReader(body))
	if err != nil {
		return 0, 0, "", err
	}
	ts, sig := webhook.Sign(s.secret, s.now(), body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhook.HeaderTimestamp, ts)
	req.Header.Set(webhook.HeaderSignature, sig)
	start := time.Now()
	resp, err := s.client.Do(req)
	latency = time.Since(start)
	if err != nil {
		return 0, latency, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1000))
	return resp.StatusCode, latency, string(raw), nil
}

// clip bounds text for the attempt log, keeping it valid UTF-8.
func clip(s string) string {
	if len(s) > 1000 {
		s = s[:1000]
	}
	return strings.ToValidUTF8(s, "")
}
