package cmdb

import (
	"context"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// relationshipsOf lists an asset's relationships both ways, by type and
// the other asset's name.
func relationshipsOf(ctx context.Context, tx *database.Tx, assetID uuid.UUID) ([]Relationship, error) {
	out := []Relationship{}
	err := tx.Select(ctx, &out, `
		SELECT r.id, r.type, CASE WHEN r.source_asset_id = $2 THEN 'outgoing' ELSE 'incoming' END AS direction,
		       r.source_asset_id, r.target_asset_id, o.id AS other_id, o.name AS other_name, s.name AS other_site_name,
		       r.note, r.created_at
		FROM asset_relationships r
		JOIN assets o ON o.tenant_id = r.tenant_id
		     AND o.id = CASE WHEN r.source_asset_id = $2 THEN r.target_asset_id ELSE r.source_asset_id END
		JOIN sites s ON s.tenant_id = o.tenant_id AND s.id = o.site_id
		WHERE r.tenant_id = $1 AND (r.source_asset_id = $2 OR r.target_asset_id = $2)
		ORDER BY r.type, lower(o.name), r.id`, tx.TenantID(), assetID)
	return out, err
}

// relationshipExists reports an edge of the type between the two assets;
// for a symmetric type either direction counts.
func relationshipExists(ctx context.Context, tx *database.Tx, source, target uuid.UUID, typ string) (bool, error) {
	var exists bool
	err := tx.Get(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM asset_relationships WHERE tenant_id = $1 AND type = $4
		AND ((source_asset_id = $2 AND target_asset_id = $3) OR ($5 AND source_asset_id = $3 AND target_asset_id = $2)))`,
		tx.TenantID(), source, target, typ, typ == symmetricRelationship)
	return exists, err
}

func insertRelationship(ctx context.Context, tx *database.Tx, source uuid.UUID, n NewRelationship) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.Get(ctx, &id, `INSERT INTO asset_relationships (tenant_id, source_asset_id, target_asset_id, type, note)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, tx.TenantID(), source, n.TargetAssetID, n.Type, n.Note)
	if errs.Is(err, errs.KindConflict) {
		return uuid.Nil, errRelationshipExists
	}
	return id, err
}

// deleteRelationship removes an edge of the asset (either end), returning
// the asset at the other end.
func deleteRelationship(ctx context.Context, tx *database.Tx, assetID, id uuid.UUID) (Relationship, error) {
	var r Relationship
	err := tx.Get(ctx, &r, `DELETE FROM asset_relationships
		WHERE tenant_id = $1 AND id = $3 AND (source_asset_id = $2 OR target_asset_id = $2)
		RETURNING id, type, source_asset_id, target_asset_id, note, created_at, '' AS direction,
		          CASE WHEN source_asset_id = $2 THEN target_asset_id ELSE source_asset_id END AS other_id,
		          '' AS other_name, '' AS other_site_name`, tx.TenantID(), assetID, id)
	if errs.Is(err, errs.KindNotFound) {
		return r, errs.NotFound("relationship")
	}
	return r, err
}

var errRelationshipExists = errs.New(errs.KindConflict, "These assets already have this relationship.").WithCode("relationship_exists")
