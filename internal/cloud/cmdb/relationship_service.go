package cmdb

import (
	"context"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Relationships lists an asset's relationships both ways.
func (s *Service) Relationships(ctx context.Context, assetID uuid.UUID) ([]Relationship, error) {
	var out []Relationship
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		if _, err := assetByID(ctx, tx, assetID, false); err != nil {
			return err
		}
		var err error
		out, err = relationshipsOf(ctx, tx, assetID)
		return err
	})
	return out, err
}

// Relate adds a typed edge from the asset to another; no self-loops and no
// duplicates (for connected_to, in either direction).
func (s *Service) Relate(ctx context.Context, source uuid.UUID, n NewRelationship) (Relationship, error) {
	n, err := n.normalized(source)
	var r Relationship
	txErr := s.db.InTenant(ctx, func(tx *database.Tx) error {
		a, err2 := assetByID(ctx, tx, source, true)
		if err2 != nil {
			return err2 // another tenant's asset is a 404 before any field error
		}
		if err != nil {
			return err
		}
		target, err := assetByID(ctx, tx, n.TargetAssetID, false)
		if errs.Is(err, errs.KindNotFound) {
			return errs.Invalid(errs.Field("target_asset_id", "unknown", "no such asset"))
		}
		if err != nil {
			return err
		}
		exists, err := relationshipExists(ctx, tx, source, n.TargetAssetID, n.Type)
		if err != nil {
			return err
		}
		if exists {
			return errRelationshipExists
		}
		id, err := insertRelationship(ctx, tx, source, n)
		if err != nil {
			return err
		}
		all, err := relationshipsOf(ctx, tx, source)
		if err != nil {
			return err
		}
		for _, rel := range all {
			if rel.ID == id {
				r = rel
			}
		}
		return audit.Write(ctx, tx, audit.Record{Action: "assets.relate", ResourceType: "asset", ResourceID: source.String(),
			Summary: a.Name + " " + n.Type + " " + target.Name,
			Changes: map[string]audit.Change{"relationship": {After: map[string]any{"type": n.Type, "target_asset_id": target.ID, "note": n.Note}}}})
	})
	return r, txErr
}

// Unrelate removes one of the asset's relationships (from either end).
func (s *Service) Unrelate(ctx context.Context, assetID, relationshipID uuid.UUID) error {
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		a, err := assetByID(ctx, tx, assetID, true)
		if err != nil {
			return err
		}
		r, err := deleteRelationship(ctx, tx, assetID, relationshipID)
		if err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "assets.unrelate", ResourceType: "asset", ResourceID: assetID.String(),
			Summary: a.Name + ": " + r.Type + " relationship removed",
			Changes: map[string]audit.Change{"relationship": {Before: map[string]any{"type": r.Type, "source_asset_id": r.SourceID, "target_asset_id": r.TargetID, "note": r.Note}}}})
	})
}
