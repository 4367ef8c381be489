package diagrams

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// summarySelect reads diagrams as list rows. The node count comes from the
// stored canvas; pages are at most 200 rows, so reading it is bounded.
const summarySelect = `SELECT d.id, d.site_id, d.name, d.description, d.version, d.created_by, d.updated_by,
		d.created_at, d.updated_at,
		CASE WHEN jsonb_typeof(d.content->'nodes') = 'array' THEN jsonb_array_length(d.content->'nodes') ELSE 0 END AS node_count
	FROM diagrams d`

func listDiagrams(ctx context.Context, tx *database.Tx, f Filter, after listKey, limit int) ([]DiagramSummary, error) {
	rows := []DiagramSummary{}
	err := tx.Select(ctx, &rows, summarySelect+`
		WHERE d.tenant_id = $1 AND ($2::uuid IS NULL OR d.site_id = $2::uuid)
		  AND ($3::text = '' OR strpos(lower(d.name), lower($3::text)) > 0)
		  AND (lower(d.name), d.id) > (lower($4::text), $5::uuid)
		ORDER BY lower(d.name), d.id LIMIT $6`, tx.TenantID(), f.SiteID, f.Query, after.Name, after.ID, limit)
	return rows, err
}

// diagramRow is a diagrams row with its canvas.
type diagramRow struct {
	ID          uuid.UUID              `db:"id"`
	SiteID      uuid.UUID              `db:"site_id"`
	Name        string                 `db:"name"`
	Description string                 `db:"description"`
	Content     database.JSON[*Canvas] `db:"content"`
	Version     int                    `db:"version"`
	CreatedBy   *uuid.UUID             `db:"created_by"`
	UpdatedBy   *uuid.UUID             `db:"updated_by"`
	CreatedAt   time.Time              `db:"created_at"`
	UpdatedAt   time.Time              `db:"updated_at"`
}

func (r diagramRow) diagram() Diagram {
	c := emptyCanvas()
	if r.Content.V != nil {
		c = *r.Content.V
		if c.Nodes == nil {
			c.Nodes = []json.RawMessage{}
		}
		if c.Edges == nil {
			c.Edges = []json.RawMessage{}
		}
		if c.Viewport == nil {
			c.Viewport = &CanvasViewport{Zoom: 1}
		}
	}
	return Diagram{ID: r.ID, SiteID: r.SiteID, Name: r.Name, Description: r.Description, Content: c,
		Version: r.Version, CreatedBy: r.CreatedBy, UpdatedBy: r.UpdatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		UnlinkedNodes: []UnlinkedNode{}}
}

const diagramSelect = `SELECT id, site_id, name, description, content, version, created_by, updated_by, created_at, updated_at
	FROM diagrams`

func diagramByID(ctx context.Context, tx *database.Tx, id uuid.UUID) (Diagram, error) {
	return getDiagram(ctx, tx, diagramSelect+` WHERE tenant_id = $1 AND id = $2`, id)
}

// lockDiagram reads a diagram and holds its row until the transaction
// ends, so a concurrent save waits and then sees the new version.
func lockDiagram(ctx context.Context, tx *database.Tx, id uuid.UUID) (Diagram, error) {
	return getDiagram(ctx, tx, diagramSelect+` WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, id)
}

func getDiagram(ctx context.Context, tx *database.Tx, query string, id uuid.UUID) (Diagram, error) {
	var r diagramRow
	err := tx.Get(ctx, &r, query, tx.TenantID(), id)
	if errs.Is(err, errs.KindNotFound) {
		return Diagram{}, errs.NotFound("diagram")
	}
	if err != nil {
		return Diagram{}, err
	}
	return r.diagram(), nil
}

func insertDiagram(ctx context.Context, tx *database.Tx, n NewDiagram, content []byte, actor *uuid.UUID) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.Get(ctx, &id, `INSERT INTO diagrams (tenant_id, site_id, name, description, content, created_by, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, tx.TenantID(), n.SiteID, n.Name, n.Description, content, actor)
	return id, nameTaken(err)
}

func updateDiagram(ctx context.Context, tx *database.Tx, d Diagram, actor *uuid.UUID) error {
	_, err := tx.Exec(ctx, `UPDATE diagrams SET name = $3, description = $4, updated_by = $5,
		version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID(), d.ID, d.Name, d.Description, actor)
	return nameTaken(err)
}

func updateContent(ctx context.Context, tx *database.Tx, id uuid.UUID, content []byte, actor *uuid.UUID) error {
	_, err := tx.Exec(ctx, `UPDATE diagrams SET content = $3, updated_by = $4,
		version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID(), id, content, actor)
	return err
}

func deleteDiagram(ctx context.Context, tx *database.Tx, id uuid.UUID) error {
	_, err := tx.Exec(ctx, `DELETE FROM diagrams WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id)
	return err
}

// nameTaken turns the unique violation of diagrams_name into a field error.
func nameTaken(err error) error {
	if errs.Is(err, errs.KindConflict) {
		return errNameTaken
	}
	return err
}

// writeAssetLinks replaces the diagram's asset links with the given assets
// that exist: ids of deleted assets (or of another tenant's) find no row in
// the join and are skipped, not refused.
func writeAssetLinks(ctx context.Context, tx *database.Tx, diagramID uuid.UUID, assetIDs []uuid.UUID) error {
	if _, err := tx.Exec(ctx, `DELETE FROM diagram_asset_links WHERE tenant_id = $1 AND diagram_id = $2`,
		tx.TenantID(), diagramID); err != nil {
		return err
	}
	if len(assetIDs) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO diagram_asset_links (tenant_id, diagram_id, asset_id)
		SELECT $1, $2, a.id FROM unnest($3::uuid[]) AS u(id)
		JOIN assets a ON a.tenant_id = $1 AND a.id = u.id
		ON CONFLICT DO NOTHING`, tx.TenantID(), diagramID, assetIDs)
	return err
}

func diagramsForAsset(ctx context.Context, tx *database.Tx, assetID uuid.UUID) ([]Ref, error) {
	refs := []Ref{}
	err := tx.Select(ctx, &refs, `SELECT d.id, d.name FROM diagram_asset_links l
		JOIN diagrams d ON d.tenant_id = l.tenant_id AND d.id = l.diagram_id
		WHERE l.tenant_id = $1 AND l.asset_id = $2 ORDER BY lower(d.name), d.id`, tx.TenantID(), assetID)
	return refs, err
}
