// Package security is the security module's bounded context. This step
// (spec 40) holds the minimal alert API — list, detail, acknowledge — and
// the live feed of new alerts over WebSocket; full SOC triage comes with
// the security module.
package security

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/events"
)

// Permissions and the feature of the module.
const (
	PermissionRead   = "security.read"
	PermissionManage = "security.manage"
)

// EventAlertRaised is the domain event of a new alert; its payload is the
// alert exactly as Alert marshals it, and the live feed pushes it.
const EventAlertRaised = "security.alert_raised"

// Severities and statuses, as the security_alerts table checks them.
var (
	Severities = []string{"info", "low", "medium", "high", "critical"}
	Statuses   = []string{StatusNew, StatusAcknowledged, "investigating", "resolved", "false_positive", "escalated"}
)

// Statuses the minimal API moves between.
const (
	StatusNew          = "new"
	StatusAcknowledged = "acknowledged"
)

// Alert is one security alert: the row of security_alerts (db tags) and
// the JSON the API answers and the live feed pushes (json tags).
type Alert struct {
	ID              uuid.UUID  `db:"id" json:"id"`
	DeviceID        *uuid.UUID `db:"device_id" json:"device_id" doc:"the edge device that raised it"`
	EventID         *uuid.UUID `db:"event_id" json:"event_id" doc:"the ingest event it came from"`
	SiteID          *uuid.UUID `db:"site_id" json:"site_id"`
	AssetID         *uuid.UUID `db:"asset_id" json:"asset_id" doc:"the asset resolved from the alert's IP within the device's site"`
	Title           string     `db:"title" json:"title"`
	Severity        string     `db:"severity" json:"severity" enum:"info low medium high critical"`
	Category        string     `db:"category" json:"category"`
	SourceIP        *string    `db:"source_ip" json:"source_ip"`
	DestinationIP   *string    `db:"destination_ip" json:"destination_ip"`
	SourcePort      *int       `db:"source_port" json:"source_port"`
	DestinationPort *int       `db:"destination_port" json:"destination_port"`
	Protocol        string     `db:"protocol" json:"protocol"`
	Description     string     `db:"description" json:"description"`
	SignatureID     string     `db:"signature_id" json:"signature_id"`
	Status          string     `db:"status" json:"status" enum:"new acknowledged investigating resolved false_positive escalated"`
	ObservedAt      time.Time  `db:"observed_at" json:"observed_at"`
	CreatedAt       time.Time  `db:"created_at" json:"created_at"`
	AcknowledgedAt  *time.Time `db:"acknowledged_at" json:"acknowledged_at"`
	AcknowledgedBy  *uuid.UUID `db:"acknowledged_by" json:"acknowledged_by"`
	UpdatedAt       time.Time  `db:"updated_at" json:"updated_at"`
	Version         int        `db:"version" json:"version"`
}

// AlertColumns is the select list that reads a security_alerts row into
// an Alert; it also serves as a RETURNING list for code that inserts
// alerts (the ingestor), so what it publishes is exactly this shape.
const AlertColumns = `id, device_id, event_id, site_id, asset_id, title, severity, category,
	host(source_ip) AS source_ip, host(destination_ip) AS destination_ip, source_port, destination_port,
	protocol, description, signature_id, status, observed_at, created_at, acknowledged_at, acknowledged_by,
	updated_at, version`

// AlertRaised is the domain event announcing a new alert, to publish in
// the transaction that inserted it (events.Publish or a batch).
func AlertRaised(a Alert) events.Event {
	return events.Event{Type: EventAlertRaised, AggregateType: "security_alert", AggregateID: a.ID, Payload: a.UTC()}
}

// UTC returns a with its times in UTC (RFC 3339 with Z in JSON).
func (a Alert) UTC() Alert {
	a.ObservedAt, a.CreatedAt, a.UpdatedAt = a.ObservedAt.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	if a.AcknowledgedAt != nil {
		t := a.AcknowledgedAt.UTC()
		a.AcknowledgedAt = &t
	}
	return a
}

// Acknowledge moves a new alert to acknowledged by user at now. An alert
// already acknowledged stays as it is (changed false): two analysts
// clicking at once both succeed. An alert past acknowledgement
// (investigating, resolved, ...) is a conflict.
func (a Alert) Acknowledge(user uuid.UUID, now time.Time) (Alert, bool, error) {
	switch a.Status {
	case StatusAcknowledged:
		return a, false, nil
	case StatusNew:
		a.Status, a.AcknowledgedAt, a.AcknowledgedBy = StatusAcknowledged, &now, &user
		return a, true, nil
	}
	return a, false, errs.New(errs.KindConflict, "The alert is "+strings.ReplaceAll(a.Status, "_", " ")+": only a new alert can be acknowledged.").
		WithCode("invalid_transition")
}

// Filter selects alerts; filters combine with AND, the values of one
// filter with OR.
type Filter struct {
	Severities []string
	Statuses   []string
	SiteIDs    []uuid.UUID
	DeviceIDs  []uuid.UUID
	From, To   *time.Time // observed_at: From inclusive, To exclusive
}

// Cursor is where a page continues: after this alert in newest-first
// order.
type Cursor struct {
	ObservedAt time.Time
	ID         uuid.UUID
}

func validEnum(values, allowed []string) bool {
	for _, v := range values {
		if !slices.Contains(allowed, v) {
			return false
		}
	}
	return true
}
