package cmdb

import (
	"context"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/database"
)

// hierRecord is what the create, update and delete use cases of a kind of
// versioned record (site, zone, VLAN, vendor) need to know of it. Each use
// case runs in one transaction and writes its audit entry in it.
type hierRecord[T any] struct {
	// resource is the audit resource type; its plural starts the actions
	// ("site": sites.create, sites.update, sites.delete).
	resource string
	// summary names a record in audit summaries: "Site Plant A".
	summary func(T) string
	version func(T) int
	changes func(before, after T) map[string]audit.Change

	byID, lockForUpdate, lockForDelete func(ctx context.Context, tx *database.Tx, id uuid.UUID) (T, error)
	write                              func(ctx context.Context, tx *database.Tx, rec T) error
	drop                               func(ctx context.Context, tx *database.Tx, id uuid.UUID) error

	// checkUpdate, when set, vets a changed record before it is written
	// (uniqueness, moves).
	checkUpdate func(ctx context.Context, tx *database.Tx, id uuid.UUID, after T, changes map[string]audit.Change) error
	// cascade, when set, notes what a deletion takes with it: it adds to the
	// audit changes and returns the end of the summary (" with 3 zones").
	cascade func(rec T, changes map[string]audit.Change) string
}

// create runs insert (which checks what it must first), reads the new
// record back and audits it.
func (k hierRecord[T]) create(ctx context.Context, db *database.DB, insert func(tx *database.Tx) (uuid.UUID, error)) (T, error) {
	var rec T
	err := db.InTenant(ctx, func(tx *database.Tx) error {
		id, err := insert(tx)
		if err != nil {
			return err
		}
		if rec, err = k.byID(ctx, tx, id); err != nil {
			return err
		}
		var none T
		return k.audit(ctx, tx, "create", id, k.summary(rec)+" created", hierCreated(k.changes(none, rec)))
	})
	return rec, err
}

// update applies a patch made at the version the caller read: it locks
// the row, refuses a stale version (409 version_conflict) and applies the
// patch. A patch that changes nothing answers the record as it is and keeps
// its version; otherwise the record is checked, written, read back and
// audited with what changed.
func (k hierRecord[T]) update(ctx context.Context, db *database.DB, id uuid.UUID, version int, apply func(T) (T, error)) (T, error) {
	var rec T
	err := db.InTenant(ctx, func(tx *database.Tx) error {
		before, err := k.lockForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if k.version(before) != version {
			return errHierVersionConflict
		}
		after, err := apply(before)
		if err != nil {
			return err
		}
		changes := k.changes(before, after)
		if len(changes) == 0 {
			rec = before
			return nil
		}
		if k.checkUpdate != nil {
			if err := k.checkUpdate(ctx, tx, id, after, changes); err != nil {
				return err
			}
		}
		if err := k.write(ctx, tx, after); err != nil {
			return err
		}
		if rec, err = k.byID(ctx, tx, id); err != nil {
			return err
		}
		return k.audit(ctx, tx, "update", id, k.summary(rec)+" updated", changes)
	})
	return rec, err
}

// delete locks the record, lets blockers refuse (hierDependants), removes
// it and audits what it held.
func (k hierRecord[T]) delete(ctx context.Context, db *database.DB, id uuid.UUID, blockers func(tx *database.Tx, rec T) error) error {
	return db.InTenant(ctx, func(tx *database.Tx) error {
		rec, err := k.lockForDelete(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := blockers(tx, rec); err != nil {
			return err
		}
		if err := k.drop(ctx, tx, id); err != nil {
			return err
		}
		var none T
		changes := hierDeleted(k.changes(rec, none))
		summary := k.summary(rec) + " deleted"
		if k.cascade != nil {
			summary += k.cascade(rec, changes)
		}
		return k.audit(ctx, tx, "delete", id, summary, changes)
	})
}

func (k hierRecord[T]) audit(ctx context.Context, tx *database.Tx, verb string, id uuid.UUID, summary string, changes map[string]audit.Change) error {
	return audit.Write(ctx, tx, audit.Record{Action: k.resource + "s." + verb, ResourceType: k.resource, ResourceID: id.String(),
		Summary: summary, Changes: changes})
}
