package cmdb

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// Drift: an observed value that differs from the value people recorded
// (spec 30). A record stays open until someone accepts the observed value
// (it becomes the asset's) or dismisses it; one open record per asset and
// field.

// Drift statuses.
const (
	DriftOpen      = "open"
	DriftAccepted  = "accepted"
	DriftDismissed = "dismissed"
)

var driftStatuses = []string{DriftOpen, DriftAccepted, DriftDismissed}

// DriftRecord is one difference between an asset's recorded and observed
// value, with where the asset sits.
type DriftRecord struct {
	ID             uuid.UUID  `db:"id" json:"id"`
	AssetID        uuid.UUID  `db:"asset_id" json:"asset_id"`
	AssetName      string     `db:"asset_name" json:"asset_name"`
	SiteID         uuid.UUID  `db:"site_id" json:"site_id"`
	SiteName       string     `db:"site_name" json:"site_name"`
	Field          string     `db:"field" json:"field" enum:"firmware_version model serial_number hostname"`
	Intended       string     `db:"intended" json:"intended" doc:"the asset's value when the drift was last observed"`
	Observed       string     `db:"observed" json:"observed"`
	Status         string     `db:"status" json:"status" enum:"open accepted dismissed"`
	OpenedAt       time.Time  `db:"opened_at" json:"opened_at"`
	LastObservedAt time.Time  `db:"last_observed_at" json:"last_observed_at"`
	ResolvedAt     *time.Time `db:"resolved_at" json:"resolved_at"`
	ResolvedBy     *uuid.UUID `db:"resolved_by" json:"resolved_by"`
}

// DriftFilter selects drift records; status defaults to open.
type DriftFilter struct {
	Status  string
	AssetID uuid.UUID
	SiteID  uuid.UUID
	Field   string
}

// DriftQuery documents the query of GET /drift.
type DriftQuery struct {
	Status  string    `query:"status" enum:"open accepted dismissed" doc:"default open"`
	AssetID uuid.UUID `query:"asset_id" doc:"one asset's drift"`
	SiteID  uuid.UUID `query:"site_id" doc:"drift of the site's assets"`
	Field   string    `query:"field" enum:"firmware_version model serial_number hostname"`
	httpapi.PageQuery
}

var driftQueryParams = []string{"status", "asset_id", "site_id", "field", "limit", "cursor"}

// driftKey is where a page of drift continues (newest first).
type driftKey struct {
	OpenedAt time.Time
	ID       uuid.UUID
}

// parseDriftFilter reads the filter from query values, reporting every
// malformed value.
func parseDriftFilter(values map[string]string) (DriftFilter, []errs.FieldError) {
	var c checker
	f := DriftFilter{Status: strings.TrimSpace(values["status"]), Field: strings.TrimSpace(values["field"])}
	if f.Status == "" {
		f.Status = DriftOpen
	}
	c.OneOf("status", f.Status, driftStatuses)
	if f.Field != "" && !slices.Contains(driftFields, f.Field) {
		c.Add("field", "invalid", "must be one of "+strings.Join(driftFields, ", "))
	}
	for name, dst := range map[string]*uuid.UUID{"asset_id": &f.AssetID, "site_id": &f.SiteID} {
		if raw := strings.TrimSpace(values[name]); raw != "" {
			id, err := uuid.Parse(raw)
			if err != nil {
				c.Add(name, "invalid", "must be a UUID")
				continue
			}
			*dst = id
		}
	}
	return f, c.Fields
}

var errDriftNotOpen = errs.New(errs.KindConflict, "This drift was already accepted or dismissed.").WithCode("drift_not_open")
