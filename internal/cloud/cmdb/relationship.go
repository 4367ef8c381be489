package cmdb

import (
	"time"

	"github.com/google/uuid"
)

// Relationship types (spec 30). connected_to is symmetric: A connected to B
// is the same edge as B connected to A; the others have a direction.
var relationshipTypes = []string{"connected_to", "depends_on", "runs_on", "part_of", "controls", "monitors"}

const symmetricRelationship = "connected_to"

const maxRelationshipNote = 1000

// Relationship is a typed edge between two assets, seen from one of them:
// direction "outgoing" when that asset is the source.
type Relationship struct {
	ID        uuid.UUID `db:"id" json:"id"`
	Type      string    `db:"type" json:"type" enum:"connected_to depends_on runs_on part_of controls monitors"`
	Direction string    `db:"direction" json:"direction" enum:"outgoing incoming"`
	SourceID  uuid.UUID `db:"source_asset_id" json:"source_asset_id"`
	TargetID  uuid.UUID `db:"target_asset_id" json:"target_asset_id"`
	// Other is the asset at the far end, as seen from the asset asked about.
	OtherID       uuid.UUID `db:"other_id" json:"other_asset_id"`
	OtherName     string    `db:"other_name" json:"other_asset_name"`
	OtherSiteName string    `db:"other_site_name" json:"other_asset_site_name"`
	Note          string    `db:"note" json:"note"`
	CreatedAt     time.Time `db:"created_at" json:"created_at"`
}

// NewRelationship relates the asset in the path (the source) to a target.
type NewRelationship struct {
	TargetAssetID uuid.UUID `json:"target_asset_id"`
	Type          string    `json:"type" enum:"connected_to depends_on runs_on part_of controls monitors"`
	Note          string    `json:"note,omitempty"`
}

func (n NewRelationship) normalized(source uuid.UUID) (NewRelationship, error) {
	var c checker
	if n.TargetAssetID == uuid.Nil {
		c.Add("target_asset_id", "required", "is required")
	} else if n.TargetAssetID == source {
		c.Add("target_asset_id", "self", "an asset cannot be related to itself")
	}
	c.OneOf("type", n.Type, relationshipTypes)
	c.Text("note", &n.Note, maxRelationshipNote, false)
	return n, c.Err()
}
