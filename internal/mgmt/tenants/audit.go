package tenants

import (
	"context"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/mgmt/operators"
	"github.com/monozu/monozu/internal/platform/database"
)

// cloudActor labels audit records of the Cloud's machine-to-machine calls,
// which have no operator.
const cloudActor = "cloud"

// change is a before/after pair in the audit log, in the operators
// package's shape so the audit log reads alike for every action.
type change = operators.Change

// auditRecord is one operator_audit row about a tenant.
type auditRecord struct {
	Action  string
	Tenant  uuid.UUID
	Summary string
	Changes map[string]change
}

// writeAudit records a tenant change in the transaction of the change,
// attributed to the acting operator, or to the Cloud when there is none.
func writeAudit(ctx context.Context, tx *database.Tx, r auditRecord) error {
	return operators.WriteAudit(ctx, tx, operators.AuditRecord{Action: r.Action, ResourceType: "tenant",
		ResourceID: r.Tenant.String(), Summary: r.Summary, Changes: r.Changes, Without: cloudActor})
}

// actorID is the acting operator's id for the licence history, nil for the
// Cloud.
func actorID(ctx context.Context) *uuid.UUID {
	if a, ok := operators.ActorFrom(ctx); ok {
		return &a.ID
	}
	return nil
}
