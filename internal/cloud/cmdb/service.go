// Package cmdb is the configuration management database (spec 30): the
// network hierarchy (sites › zones › VLANs), vendors, assets and their
// relationships, CSV import and export, and the reconciliation of what
// edge appliances observe with what people recorded. Files are named by
// feature: site*.go, zone*.go, vlan*.go, vendor*.go, asset*.go,
// relationship*.go, import*.go, discovery*.go, drift*.go.
package cmdb

import (
	"context"
	"time"

	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/jobs"
)

// Licences tells the CMDB the tenant's licence (max_assets).
type Licences interface {
	Current(ctx context.Context) (*licensing.License, error)
}

// Service is the CMDB's use cases; every method runs in the tenant of the
// principal on ctx.
type Service struct {
	db       *database.DB
	licences Licences
	queue    *jobs.Queue
	trail    AuditTrail
	now      func() time.Time
	panels   []AssetPanel
}

// NewService wires the CMDB. queue runs CSV imports; trail gives asset
// timelines their changes.
func NewService(db *database.DB, licences Licences, queue *jobs.Queue, trail AuditTrail) *Service {
	return &Service{db: db, licences: licences, queue: queue, trail: trail, now: time.Now}
}
