// Package mgmtlink is the Cloud's side of the link to the management plane:
// it reports self-registrations so operators see them as pending requests.
// Reports leave through a job enqueued with the registration, so a
// management plane that is down delays them and loses none.
package mgmtlink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/jobs"
)

// RegistrationArgs asks for one registration report.
type RegistrationArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
}

// Kind names the job.
func (RegistrationArgs) Kind() string { return "mgmt_registration_report" }

// Registration is what the management plane receives.
type Registration struct {
	CloudTenantID    uuid.UUID `json:"cloud_tenant_id" db:"id"`
	AccountName      string    `json:"account_name" db:"account_name"`
	OrganizationName string    `json:"organization_name" db:"display_name"`
	AdminEmail       string    `json:"admin_email" db:"admin_email"`
	AdminName        string    `json:"admin_name" db:"admin_name"`
	RegisteredAt     time.Time `json:"registered_at" db:"created_at"`
}

// Link reports to the management plane at BaseURL (MANAGEMENT_API_URL)
// with a machine token (CLOUD_INTERNAL_API_TOKEN).
type Link struct {
	db      *database.DB
	queue   *jobs.Queue
	baseURL string
	token   string
	client  *http.Client
}

// New wires the link.
func New(db *database.DB, queue *jobs.Queue, baseURL, token string) *Link {
	return &Link{db: db, queue: queue, baseURL: strings.TrimSuffix(baseURL, "/"), token: token,
		client: &http.Client{Timeout: 15 * time.Second}}
}

// ReportRegistration enqueues the report inside the registration's own
// transaction.
func (l *Link) ReportRegistration(ctx context.Context, tx *database.Tx) error {
	return l.queue.Enqueue(ctx, tx, RegistrationArgs{TenantID: tx.TenantID()}, nil)
}

// AddWorker registers the report job.
func (l *Link) AddWorker(workers *river.Workers) {
	river.AddWorker(workers, river.WorkFunc(l.send))
}

func (l *Link) send(ctx context.Context, job *river.Job[RegistrationArgs]) error {
	ctx = auth.WithPrincipal(ctx, auth.System(job.Args.TenantID))
	var r Registration
	err := l.db.InTenant(ctx, func(tx *database.Tx) error {
		return tx.Get(ctx, &r, `SELECT t.id, t.account_name, t.display_name, t.created_at,
				u.email AS admin_email, u.display_name AS admin_name
			FROM tenants t JOIN users u ON u.tenant_id = t.id
			WHERE t.id = $1 ORDER BY u.created_at LIMIT 1`, tx.TenantID())
	})
	if err != nil {
		return err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.baseURL+"/internal/v1/tenants/registrations", bytes.NewReader(body))
	if err != nil {
		return river.JobCancel(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+l.token)
	req.Header.Set("Idempotency-Key", "registration-"+r.CloudTenantID.String())
	resp, err := l.client.Do(req)
	if err != nil {
		return err // network trouble: retried with backoff
	}
	defer func() { _ = resp.Body.Close() }()
	detail, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("management plane answered %d: %s", resp.StatusCode, detail)
	}
	return river.JobCancel(errors.New("management plane refused the report: " + resp.Status + ": " + string(detail)))
}
