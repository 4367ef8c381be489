package diagrams

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Service is the diagrams' use cases; every method runs in the tenant of
// the principal on ctx.
type Service struct {
	db        *database.DB
	inventory Inventory
}

// NewService wires diagrams to the database and the CMDB's inventory.
func NewService(db *database.DB, inventory Inventory) *Service {
	return &Service{db: db, inventory: inventory}
}

// List returns a page of diagrams in name order, starting after the given
// key; it fetches limit+1 rows so the caller knows whether a page follows.
func (s *Service) List(ctx context.Context, f Filter, after listKey, limit int) ([]DiagramSummary, error) {
	f, err := f.normalized()
	if err != nil {
		return nil, err
	}
	var out []DiagramSummary
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		out, err = listDiagrams(ctx, tx, f, after, limit+1)
		return err
	})
	return out, err
}

// Get returns a diagram with its canvas and the inventory nodes whose
// record is gone.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (Diagram, error) {
	var d Diagram
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		var err error
		if d, err = diagramByID(ctx, tx, id); err != nil {
			return err
		}
		d.UnlinkedNodes, err = s.unlinked(ctx, tx, d.Content.inventoryNodes())
		return err
	})
	return d, err
}

// Create adds a diagram to a site, with the canvas sent, one generated
// from a preset, or an empty one, and links the assets it draws.
func (s *Service) Create(ctx context.Context, n NewDiagram) (Diagram, error) {
	n, err := n.normalized()
	if err != nil {
		return Diagram{}, err
	}
	var d Diagram
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		canvas := emptyCanvas()
		switch {
		case n.Preset != "":
			if canvas, err = s.generate(ctx, tx, n.SiteID, n.Preset); err != nil {
				return err
			}
		case n.Content != nil:
			canvas = *n.Content
		}
		site, err := s.inventory.InventoryExisting(ctx, tx, []RecordRef{{Kind: KindSite, ID: n.SiteID}})
		if err != nil {
			return err
		}
		if len(site) == 0 {
			return errSiteMissing
		}
		content, err := json.Marshal(canvas)
		if err != nil {
			return err
		}
		id, err := insertDiagram(ctx, tx, n, content, actor(ctx))
		if err != nil {
			return err
		}
		nodes := canvas.inventoryNodes()
		if err := writeAssetLinks(ctx, tx, id, assetIDs(nodes)); err != nil {
			return err
		}
		if d, err = s.detail(ctx, tx, id); err != nil {
			return err
		}
		changes := map[string]audit.Change{
			"name": {After: d.Name}, "site_id": {After: d.SiteID},
			"nodes": {After: len(canvas.Nodes)}, "edges": {After: len(canvas.Edges)},
		}
		if d.Description != "" {
			changes["description"] = audit.Change{After: d.Description}
		}
		if n.Preset != "" {
			changes["preset"] = audit.Change{After: n.Preset}
		}
		return audit.Write(ctx, tx, audit.Record{Action: "diagrams.create", ResourceType: "diagram", ResourceID: id.String(),
			Summary: "Diagram " + d.Name + " created with " + counts(canvas, nodes), Changes: changes})
	})
	return d, err
}

// Update applies a patch of the name or description made at the version
// the caller read.
func (s *Service) Update(ctx context.Context, id uuid.UUID, p DiagramPatch) (Diagram, error) {
	p, err := p.normalized()
	if err != nil {
		return Diagram{}, err
	}
	var d Diagram
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		before, err := lockDiagram(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.SiteID != nil && *p.SiteID != before.SiteID {
			return errSiteFixed
		}
		if before.Version != p.Version {
			return versionConflict(before.Version)
		}
		after := before
		if p.Name != nil {
			after.Name = *p.Name
		}
		if p.Description != nil {
			after.Description = *p.Description
		}
		changes := map[string]audit.Change{}
		if before.Name != after.Name {
			changes["name"] = audit.Change{Before: before.Name, After: after.Name}
		}
		if before.Description != after.Description {
			changes["description"] = audit.Change{Before: before.Description, After: after.Description}
		}
		if len(changes) == 0 {
			d, err = s.withUnlinked(ctx, tx, before)
			return err
		}
		if err := updateDiagram(ctx, tx, after, actor(ctx)); err != nil {
			return err
		}
		if d, err = s.detail(ctx, tx, id); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "diagrams.update", ResourceType: "diagram", ResourceID: id.String(),
			Summary: "Diagram " + d.Name + " updated", Changes: changes})
	})
	return d, err
}

// SaveContent replaces the canvas made at the version the caller read and
// rewrites the diagram's asset links from its asset nodes.
func (s *Service) SaveContent(ctx context.Context, id uuid.UUID, u DiagramContentUpdate) (Diagram, error) {
	u, err := u.normalized()
	if err != nil {
		return Diagram{}, err
	}
	content, err := json.Marshal(u.Content)
	if err != nil {
		return Diagram{}, err
	}
	var d Diagram
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		before, err := lockDiagram(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Version != u.Version {
			return versionConflict(before.Version)
		}
		if err := updateContent(ctx, tx, id, content, actor(ctx)); err != nil {
			return err
		}
		nodes := u.Content.inventoryNodes()
		if err := writeAssetLinks(ctx, tx, id, assetIDs(nodes)); err != nil {
			return err
		}
		if d, err = s.detail(ctx, tx, id); err != nil {
			return err
		}
		// The canvas itself stays out of the audit log: it can be megabytes
		// and says nothing a reviewer reads. Its size does.
		return audit.Write(ctx, tx, audit.Record{Action: "diagrams.content", ResourceType: "diagram", ResourceID: id.String(),
			Summary: "Diagram " + d.Name + " saved with " + counts(u.Content, nodes),
			Changes: map[string]audit.Change{
				"nodes":   {Before: len(before.Content.Nodes), After: len(u.Content.Nodes)},
				"edges":   {Before: len(before.Content.Edges), After: len(u.Content.Edges)},
				"version": {Before: before.Version, After: d.Version},
			}})
	})
	return d, err
}

// Delete removes a diagram and its asset links.
func (s *Service) Delete(ctx context.Context, id uuid.UUID) error {
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		d, err := lockDiagram(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := deleteDiagram(ctx, tx, id); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "diagrams.delete", ResourceType: "diagram", ResourceID: id.String(),
			Summary: "Diagram " + d.Name + " deleted; it had " + counts(d.Content, d.Content.inventoryNodes()),
			Changes: map[string]audit.Change{
				"name": {Before: d.Name}, "site_id": {Before: d.SiteID}, "description": {Before: d.Description},
				"nodes": {Before: len(d.Content.Nodes)}, "edges": {Before: len(d.Content.Edges)},
			}})
	})
}

// Generate draws the diagram's site as a preset without saving anything:
// the editor merges the result into its canvas and saves it as usual.
func (s *Service) Generate(ctx context.Context, id uuid.UUID, p Preset) (Canvas, error) {
	if !p.valid() {
		return Canvas{}, errs.Invalid(errs.Field("preset", "invalid", "must be full_stack or cmdb_only"))
	}
	var c Canvas
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		d, err := diagramByID(ctx, tx, id)
		if err != nil {
			return err
		}
		c, err = s.generate(ctx, tx, d.SiteID, p)
		return err
	})
	return c, err
}

// ForAsset lists the diagrams an asset appears on, in name order, inside
// the caller's transaction (the asset detail panel).
func (s *Service) ForAsset(ctx context.Context, tx *database.Tx, assetID uuid.UUID) ([]Ref, error) {
	return diagramsForAsset(ctx, tx, assetID)
}

// AssetPanel is the "diagrams" panel of the asset detail: the diagrams the
// asset appears on, as ForAsset lists them. It fits the CMDB's AssetPanel
// interface without either package importing the other's.
func (s *Service) AssetPanel() AssetPanel { return AssetPanel{svc: s} }

// AssetPanel lists an asset's diagrams on its detail page.
type AssetPanel struct{ svc *Service }

// PanelName is the key of the panel in the asset detail.
func (AssetPanel) PanelName() string { return "diagrams" }

// LoadPanel lists the diagrams of the asset, [{id, name}] in name order.
func (p AssetPanel) LoadPanel(ctx context.Context, tx *database.Tx, assetID uuid.UUID) (any, error) {
	return p.svc.ForAsset(ctx, tx, assetID)
}

// generate loads the site's hierarchy and draws it; a missing site is a
// field error of the request, not a missing route object.
func (s *Service) generate(ctx context.Context, tx *database.Tx, siteID uuid.UUID, p Preset) (Canvas, error) {
	h, err := s.inventory.InventoryHierarchy(ctx, tx, siteID, MaxNodes)
	if errs.Is(err, errs.KindNotFound) {
		return Canvas{}, errSiteMissing
	}
	if err != nil {
		return Canvas{}, err
	}
	return generate(h, p)
}

// detail reads a diagram as just written, with its unlinked nodes.
func (s *Service) detail(ctx context.Context, tx *database.Tx, id uuid.UUID) (Diagram, error) {
	d, err := diagramByID(ctx, tx, id)
	if err != nil {
		return Diagram{}, err
	}
	return s.withUnlinked(ctx, tx, d)
}

func (s *Service) withUnlinked(ctx context.Context, tx *database.Tx, d Diagram) (Diagram, error) {
	var err error
	d.UnlinkedNodes, err = s.unlinked(ctx, tx, d.Content.inventoryNodes())
	return d, err
}

// unlinked lists the nodes whose record the inventory no longer has.
func (s *Service) unlinked(ctx context.Context, tx *database.Tx, nodes []inventoryNode) ([]UnlinkedNode, error) {
	out := []UnlinkedNode{}
	if len(nodes) == 0 {
		return out, nil
	}
	seen := map[RecordRef]bool{}
	var refs []RecordRef
	for _, n := range nodes {
		if !seen[n.Ref] {
			seen[n.Ref] = true
			refs = append(refs, n.Ref)
		}
	}
	existing, err := s.inventory.InventoryExisting(ctx, tx, refs)
	if err != nil {
		return nil, err
	}
	exists := make(map[RecordRef]bool, len(existing))
	for _, r := range existing {
		exists[r] = true
	}
	for _, n := range nodes {
		if !exists[n.Ref] {
			out = append(out, UnlinkedNode{NodeID: n.NodeID, Kind: n.Ref.Kind, RecordID: n.Ref.ID})
		}
	}
	return out, nil
}

// actor is the user making the change, for created_by and updated_by; nil
// for system principals.
func actor(ctx context.Context) *uuid.UUID {
	p, ok := auth.PrincipalFrom(ctx)
	if !ok || p.ActorID == uuid.Nil || p.Kind != auth.KindUser {
		return nil
	}
	id := p.ActorID
	return &id
}

// counts describes a canvas's size for audit summaries.
func counts(c Canvas, inventory []inventoryNode) string {
	return strconv.Itoa(len(c.Nodes)) + " nodes (" + strconv.Itoa(len(inventory)) + " inventory) and " +
		strconv.Itoa(len(c.Edges)) + " edges"
}
