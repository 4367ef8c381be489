package diagrams

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Layout of generated canvases: one row per level, nodes a slot apart.
const (
	slotWidth = 220.0
	rowHeight = 160.0
)

// Generated node and edge ids are derived from the records, so generating
// twice gives the same ids and the editor can merge a preset into a canvas
// by id (or by data.kind + data.record_id).
func nodeID(kind Kind, id uuid.UUID) string { return string(kind) + "-" + id.String() }

func edgeID(source, target string) string { return "e-" + source + "--" + target }

// genNode is a node of a generated canvas before it is laid out.
type genNode struct {
	id       string
	row      int
	data     map[string]any
	children []*genNode
	order    int // a VLAN's place in VLAN order
	x        float64
}

// generate draws h as preset p. It refuses (422) a site with more nodes or
// edges than a canvas may hold, rather than drawing part of it.
func generate(h Hierarchy, p Preset) (Canvas, error) {
	if !p.valid() {
		return Canvas{}, errs.Invalid(errs.Field("preset", "invalid", "must be full_stack or cmdb_only"))
	}
	zones := slices.Clone(h.Zones)
	slices.SortFunc(zones, func(a, b HierarchyZone) int {
		return cmp.Or(cmp.Compare(purdueRank(a.PurdueLevel), purdueRank(b.PurdueLevel)),
			cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID.String(), b.ID.String()))
	})
	vlans := slices.Clone(h.VLANs)
	slices.SortFunc(vlans, func(a, b HierarchyVLAN) int {
		return cmp.Or(cmp.Compare(a.Number, b.Number), cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)),
			cmp.Compare(a.ID.String(), b.ID.String()))
	})
	assets := slices.Clone(h.Assets)
	slices.SortFunc(assets, func(a, b HierarchyAsset) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID.String(), b.ID.String()))
	})

	full := p == PresetFullStack
	// Rows by kind: the full stack starts with the site and its zones; the
	// CMDB-only view puts VLANs (and the site, when assets hang off it) on
	// the first row.
	vlanRow, assetRow := 2, 3
	if !full {
		vlanRow, assetRow = 0, 1
	}
	root := &genNode{} // holds the top row; not drawn
	site := &genNode{id: nodeID(KindSite, h.Site.ID), row: 0,
		data: map[string]any{"label": h.Site.Name, "kind": KindSite, "record_id": h.Site.ID}}
	var edges []genEdge
	zoneNodes := map[uuid.UUID]*genNode{}
	if full {
		root.children = append(root.children, site)
		for _, z := range zones {
			n := &genNode{id: nodeID(KindZone, z.ID), row: 1, data: map[string]any{
				"label": z.Name, "kind": KindZone, "record_id": z.ID, "purdue_level": z.PurdueLevel}}
			zoneNodes[z.ID] = n
			site.children = append(site.children, n)
			edges = append(edges, genEdge{site.id, n.id})
		}
	}
	vlanNodes := map[uuid.UUID]*genNode{}
	var siteVLANs []*genNode // VLANs hanging off the site (full stack)
	for i, v := range vlans {
		label := "VLAN " + strconv.Itoa(v.Number)
		if v.Name != "" {
			label += " · " + v.Name
		}
		n := &genNode{id: nodeID(KindVLAN, v.ID), row: vlanRow, order: i, data: map[string]any{
			"label": label, "kind": KindVLAN, "record_id": v.ID, "number": v.Number, "name": v.Name}}
		vlanNodes[v.ID] = n
		switch {
		case !full:
			root.children = append(root.children, n)
		case v.ZoneID != nil && zoneNodes[*v.ZoneID] != nil:
			z := zoneNodes[*v.ZoneID]
			z.children = append(z.children, n)
			edges = append(edges, genEdge{z.id, n.id})
		default: // no zone, or a zone of no (or another) site
			siteVLANs = append(siteVLANs, n)
			edges = append(edges, genEdge{site.id, n.id})
		}
	}
	site.children = append(site.children, siteVLANs...)
	var siteAssets []*genNode
	for _, a := range assets {
		n := &genNode{id: nodeID(KindAsset, a.ID), row: assetRow, data: map[string]any{
			"label": a.Name, "kind": KindAsset, "record_id": a.ID, "category": a.Category, "asset_type": a.Type}}
		var parents []*genNode
		for _, vid := range a.VLANIDs {
			if v := vlanNodes[vid]; v != nil && !slices.Contains(parents, v) {
				parents = append(parents, v)
			}
		}
		if len(parents) == 0 {
			siteAssets = append(siteAssets, n)
			edges = append(edges, genEdge{site.id, n.id})
			continue
		}
		// One node per asset: laid out under its first VLAN (in VLAN order),
		// with an edge from every VLAN it sits in.
		slices.SortFunc(parents, func(a, b *genNode) int { return cmp.Compare(a.order, b.order) })
		parents[0].children = append(parents[0].children, n)
		for _, v := range parents {
			edges = append(edges, genEdge{v.id, n.id})
		}
	}
	site.children = append(site.children, siteAssets...)
	if !full && len(siteAssets) > 0 {
		root.children = append(root.children, site)
	}

	var nodes []*genNode
	var walk func(n *genNode)
	walk = func(n *genNode) {
		nodes = append(nodes, n)
		for _, c := range n.children {
			walk(c)
		}
	}
	for _, c := range root.children {
		walk(c)
	}
	if h.Truncated || len(nodes) > MaxNodes {
		return Canvas{}, errs.Invalid(errs.Field("preset", "too_many_nodes",
			"the site has more than "+strconv.Itoa(MaxNodes)+" sites, zones, VLANs and assets to draw; a diagram holds at most "+
				strconv.Itoa(MaxNodes)+" nodes, so draw this site in several diagrams by hand"))
	}
	if len(edges) > MaxEdges {
		return Canvas{}, errs.Invalid(errs.Field("preset", "too_many_edges",
			"drawing this site needs "+strconv.Itoa(len(edges))+" edges; a diagram holds at most "+strconv.Itoa(MaxEdges)))
	}
	layout(root.children)

	c := emptyCanvas()
	for _, n := range nodes {
		raw, err := json.Marshal(map[string]any{
			"id": n.id, "type": n.data["kind"], "position": map[string]float64{"x": n.x, "y": float64(n.row) * rowHeight},
			"data": n.data,
		})
		if err != nil {
			return Canvas{}, err
		}
		c.Nodes = append(c.Nodes, raw)
	}
	for _, e := range edges {
		raw, err := json.Marshal(map[string]any{"id": edgeID(e.source, e.target), "source": e.source, "target": e.target, "type": "smoothstep"})
		if err != nil {
			return Canvas{}, err
		}
		c.Edges = append(c.Edges, raw)
	}
	return c, nil
}

type genEdge struct{ source, target string }

// layout places a forest tidily: leaves take consecutive slots from the
// left and every parent is centred over its direct children. A node's x
// lies within the slots of its own subtree's leaves and subtrees never
// share a slot, so two nodes of one row are always at least a slot apart,
// whichever parent they hang off.
func layout(roots []*genNode) {
	next := 0.0
	var place func(n *genNode)
	place = func(n *genNode) {
		if len(n.children) == 0 {
			n.x = next * slotWidth
			next++
			return
		}
		for _, c := range n.children {
			place(c)
		}
		n.x = (n.children[0].x + n.children[len(n.children)-1].x) / 2
	}
	for _, r := range roots {
		place(r)
	}
}

// purdueRank orders zones by Purdue level, enterprise (5) first, down to
// the field (0); unknown levels go last.
func purdueRank(level string) float64 {
	f, err := strconv.ParseFloat(level, 64)
	if err != nil {
		return 100
	}
	return -f
}
