// Package diagrams is the network diagrams of the CMDB (spec 30, "Network
// diagrams"): a canvas per site in the shape the web editor (@xyflow/react)
// saves, inventory nodes that point at sites, zones, VLANs and assets, the
// asset links written from them on every save, and the "import hierarchy"
// presets generated from the inventory. It reads the inventory through the
// small Inventory interface the composition root fills with the CMDB.
package diagrams

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Limits of diagram fields, as the diagrams table checks them, and of the
// canvas, which the table cannot check.
const (
	maxName        = 200
	maxDescription = 4000
	maxQuery       = 200
	// MaxNodes and MaxEdges bound a canvas the editor still draws smoothly;
	// generated presets obey them too.
	MaxNodes = 5000
	MaxEdges = 10000
	// MaxContentBytes bounds the canvas JSON as stored.
	MaxContentBytes = 2 << 20
	// maxBodyBytes bounds a request that carries a canvas: the canvas plus
	// room for the other fields and whitespace.
	maxBodyBytes = MaxContentBytes + 256<<10
)

// Kind is the kind of inventory record a node stands for.
type Kind string

// The inventory kinds a node may reference.
const (
	KindSite  Kind = "site"
	KindZone  Kind = "zone"
	KindVLAN  Kind = "vlan"
	KindAsset Kind = "asset"
)

func (k Kind) valid() bool {
	switch k {
	case KindSite, KindZone, KindVLAN, KindAsset:
		return true
	}
	return false
}

// Preset names an "import hierarchy" layout generated from the inventory.
type Preset string

// The presets.
const (
	// PresetFullStack draws site → zones → VLANs → assets.
	PresetFullStack Preset = "full_stack"
	// PresetCMDBOnly draws VLANs and assets; assets without a VLAN hang off
	// the site node, which appears only for them.
	PresetCMDBOnly Preset = "cmdb_only"
)

func (p Preset) valid() bool { return p == PresetFullStack || p == PresetCMDBOnly }

// RecordRef names an inventory record a node points at.
type RecordRef struct {
	Kind Kind
	ID   uuid.UUID
}

// Inventory is what diagrams need from the CMDB. Both methods run in the
// caller's tenant transaction, so a diagram and the records it references
// are read (and links written) consistently.
type Inventory interface {
	// InventoryExisting returns those of refs whose record exists in the
	// transaction's tenant; another tenant's id is as absent as a deleted one.
	InventoryExisting(ctx context.Context, tx *database.Tx, refs []RecordRef) ([]RecordRef, error)
	// InventoryHierarchy loads a site with its zones, the VLANs of those
	// zones and every VLAN the site's assets sit in, and the site's planned
	// and active assets with their VLAN ids. Each list holds at most limit
	// entries; Truncated says one had more. A missing site is
	// errs.KindNotFound.
	InventoryHierarchy(ctx context.Context, tx *database.Tx, siteID uuid.UUID, limit int) (Hierarchy, error)
}

// Hierarchy is a site's inventory as the presets draw it.
type Hierarchy struct {
	Site      HierarchySite
	Zones     []HierarchyZone
	VLANs     []HierarchyVLAN
	Assets    []HierarchyAsset
	Truncated bool
}

// HierarchySite is the site at the top.
type HierarchySite struct {
	ID   uuid.UUID
	Name string
}

// HierarchyZone is a zone of the site.
type HierarchyZone struct {
	ID          uuid.UUID
	Name        string
	PurdueLevel string
}

// HierarchyVLAN is a VLAN of the site; ZoneID is nil for a VLAN without a
// zone.
type HierarchyVLAN struct {
	ID     uuid.UUID
	ZoneID *uuid.UUID
	Number int
	Name   string
}

// HierarchyAsset is an asset of the site with the VLANs it sits in.
type HierarchyAsset struct {
	ID       uuid.UUID
	Name     string
	Category string
	Type     string
	VLANIDs  []uuid.UUID
}

// Diagram is a diagram with its canvas, as the editor loads it.
type Diagram struct {
	ID          uuid.UUID  `json:"id"`
	SiteID      uuid.UUID  `json:"site_id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Content     Canvas     `json:"content"`
	Version     int        `json:"version" doc:"send it back with PATCH and PUT /content; it grows by one with every change"`
	CreatedBy   *uuid.UUID `json:"created_by"`
	UpdatedBy   *uuid.UUID `json:"updated_by"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	// UnlinkedNodes are the inventory nodes whose record no longer exists
	// (deleted since the diagram was drawn, or never in this tenant).
	UnlinkedNodes []UnlinkedNode `json:"unlinked_nodes" doc:"inventory nodes whose referenced record no longer exists"`
}

// UnlinkedNode is an inventory node whose record is gone.
type UnlinkedNode struct {
	NodeID   string    `json:"node_id"`
	Kind     Kind      `json:"kind" enum:"site zone vlan asset"`
	RecordID uuid.UUID `json:"record_id"`
}

// DiagramSummary is a diagram as the list shows it: without its canvas.
type DiagramSummary struct {
	ID          uuid.UUID  `db:"id" json:"id"`
	SiteID      uuid.UUID  `db:"site_id" json:"site_id"`
	Name        string     `db:"name" json:"name"`
	Description string     `db:"description" json:"description"`
	NodeCount   int        `db:"node_count" json:"node_count"`
	Version     int        `db:"version" json:"version"`
	CreatedBy   *uuid.UUID `db:"created_by" json:"created_by"`
	UpdatedBy   *uuid.UUID `db:"updated_by" json:"updated_by"`
	CreatedAt   time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt   time.Time  `db:"updated_at" json:"updated_at"`
}

// Ref names a diagram, for the panels of other modules (the asset detail
// lists the diagrams an asset appears on).
type Ref struct {
	ID   uuid.UUID `db:"id" json:"id"`
	Name string    `db:"name" json:"name"`
}

// NewDiagram is a diagram to create. Content and Preset are alternatives;
// with neither the canvas starts empty.
type NewDiagram struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	SiteID      uuid.UUID `json:"site_id"`
	Content     *Canvas   `json:"content,omitempty" doc:"the initial canvas; leave out for an empty one or use preset"`
	Preset      Preset    `json:"preset,omitempty" enum:"full_stack cmdb_only" doc:"generate the canvas from the site's inventory instead of sending one"`
}

func (n NewDiagram) normalized() (NewDiagram, error) {
	var c checker
	c.Text("name", &n.Name, maxName, true)
	c.Text("description", &n.Description, maxDescription, false)
	if n.SiteID == uuid.Nil {
		c.Add("site_id", "required", "is required")
	}
	switch {
	case n.Preset != "" && !n.Preset.valid():
		c.Add("preset", "invalid", "must be full_stack or cmdb_only")
	case n.Preset != "" && n.Content != nil:
		c.Add("preset", "conflicts", "send either content or a preset, not both")
	}
	if n.Content != nil {
		canvas, fields := n.Content.validated("content")
		c.Fields = append(c.Fields, fields...)
		n.Content = &canvas
	}
	return n, c.Err()
}

// DiagramPatch changes the fields it carries, at the version the client
// read. A diagram stays on its site: its inventory nodes were drawn from it.
type DiagramPatch struct {
	Name        *string    `json:"name,omitempty"`
	Description *string    `json:"description,omitempty"`
	SiteID      *uuid.UUID `json:"site_id,omitempty" doc:"cannot be changed: only the diagram's own site is accepted (422 immutable otherwise); copy the canvas into a new diagram of the other site instead"`
	Version     int        `json:"version" doc:"the version read; if the diagram changed since, the answer is 409 version_conflict"`
}

func (p DiagramPatch) normalized() (DiagramPatch, error) {
	var c checker
	if p.Name != nil {
		name := *p.Name
		c.Text("name", &name, maxName, true)
		p.Name = &name
	}
	if p.Description != nil {
		description := *p.Description
		c.Text("description", &description, maxDescription, false)
		p.Description = &description
	}
	c.version(p.Version)
	return p, c.Err()
}

// DiagramContentUpdate replaces a diagram's canvas, at the version the client read.
type DiagramContentUpdate struct {
	Version int    `json:"version" doc:"the version read; if the diagram changed since, the answer is 409 version_conflict naming the current version"`
	Content Canvas `json:"content"`
}

func (u DiagramContentUpdate) normalized() (DiagramContentUpdate, error) {
	var c checker
	c.version(u.Version)
	canvas, fields := u.Content.validated("content")
	c.Fields = append(c.Fields, fields...)
	u.Content = canvas
	return u, c.Err()
}

// DiagramGenerateRequest asks for a preset's canvas.
type DiagramGenerateRequest struct {
	Preset Preset `json:"preset" enum:"full_stack cmdb_only"`
}

// Filter narrows the diagram list; empty fields match every diagram.
type Filter struct {
	SiteID *uuid.UUID
	// Query matches a part of the name, ignoring case.
	Query string
}

func (f Filter) normalized() (Filter, error) {
	var c checker
	c.Text("q", &f.Query, maxQuery, false)
	return f, c.Err()
}

// listKey is where a page of diagrams continues: after this name (compared
// case-insensitively) and id.
type listKey struct {
	Name string
	ID   uuid.UUID
}

// versionConflict answers a change made at a stale version, naming the
// version the client should reload.
func versionConflict(current int) error {
	return errs.New(errs.KindConflict, fmt.Sprintf(
		"Someone else changed this diagram since you read it; it is now at version %d. Reload it, merge your changes and save again.",
		current)).WithCode("version_conflict")
}

var (
	errNameTaken   = errs.Invalid(errs.Field("name", "taken", "another diagram of this site already has this name"))
	errSiteMissing = errs.Invalid(errs.Field("site_id", "not_found", "no such site"))
	errSiteFixed   = errs.Invalid(errs.Field("site_id", "immutable", "a diagram stays on its site; create a new diagram for the other site"))
)

// checker is the platform's field-error collector with the diagrams'
// own checks.
type checker struct{ errs.Checker }

// version insists on the version a change was based on: versions start at
// 1, so 0 means the client did not send one.
func (c *checker) version(v int) {
	if v < 1 {
		c.Add("version", "required", "must be the version of the diagram as read")
	}
}
