package security

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/events"
)

// NewAlert is an alert to raise.
type NewAlert struct {
	DeviceID, EventID, SiteID, AssetID *uuid.UUID
	Title, Severity, Category          string
	SourceIP, DestinationIP            *string
	SourcePort, DestinationPort        *int
	Protocol, Description, SignatureID string
	ObservedAt                         time.Time
}

func (n NewAlert) normalized() (NewAlert, error) {
	var c errs.Checker
	c.Text("title", &n.Title, 500, true)
	c.OneOf("severity", n.Severity, Severities)
	c.Text("category", &n.Category, 100, false)
	c.Text("protocol", &n.Protocol, 32, false)
	c.Text("description", &n.Description, 8000, false)
	c.Text("signature_id", &n.SignatureID, 200, false)
	if n.ObservedAt.IsZero() {
		c.Add("observed_at", "required", "is required")
	}
	return n, c.Err()
}

// Raise stores a new alert and publishes AlertRaised in the same
// transaction, so the live feed pushes it once it commits. The ingestor
// raises alerts in bulk on its own path; this is the one-at-a-time form.
func (s *Service) Raise(ctx context.Context, n NewAlert) (Alert, error) {
	n, err := n.normalized()
	if err != nil {
		return Alert{}, err
	}
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Alert, error) {
		var a Alert
		err := tx.Get(ctx, &a, `INSERT INTO security_alerts (tenant_id, device_id, event_id, site_id, asset_id, title,
				severity, category, source_ip, destination_ip, source_port, destination_port, protocol, description,
				signature_id, observed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::inet, $10::inet, $11, $12, $13, $14, $15, $16)
			RETURNING `+AlertColumns,
			tx.TenantID(), n.DeviceID, n.EventID, n.SiteID, n.AssetID, n.Title, n.Severity, n.Category, n.SourceIP,
			n.DestinationIP, n.SourcePort, n.DestinationPort, n.Protocol, n.Description, n.SignatureID, n.ObservedAt)
		if err != nil {
			return Alert{}, err
		}
		a = a.UTC()
		return a, events.Publish(ctx, tx, AlertRaised(a))
	})
}
