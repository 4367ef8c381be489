package diagrams

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Canvas is a diagram's drawing in the shape @xyflow/react's toObject()
// returns. The server checks the structure the editor relies on (node ids,
// positions, edge ends, inventory references) and keeps everything else of
// a node or edge (free shapes, labels, styles, sizes, handles) as the
// editor sent it.
type Canvas struct {
	Nodes []json.RawMessage `json:"nodes" doc:"React Flow nodes: {id, type?, position: {x, y}, data: {label?, kind?: site|zone|vlan|asset, record_id?: uuid (required with kind), ...}, parentId?, ...}; ids unique; at most 5,000"`
	Edges []json.RawMessage `json:"edges" doc:"React Flow edges: {id, source, target, type?, data?, style?, ...}; ids unique, source and target name nodes of this canvas; at most 10,000"`
	// Viewport is where the editor last looked; it defaults to the origin
	// at zoom 1.
	Viewport *CanvasViewport `json:"viewport,omitempty"`
}

// CanvasViewport is the editor's pan and zoom.
type CanvasViewport struct {
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	Zoom float64 `json:"zoom" doc:"greater than 0"`
}

// emptyCanvas is the canvas of a new diagram without content.
func emptyCanvas() Canvas {
	return Canvas{Nodes: []json.RawMessage{}, Edges: []json.RawMessage{}, Viewport: &CanvasViewport{Zoom: 1}}
}

// Limits of the parts of a canvas the server reads.
const (
	maxElementID = 200
	maxNodeType  = 100
	maxLabel     = 1000
	// maxFieldErrors bounds the errors one answer lists; a canvas broken in
	// thousands of places needs fixing in bulk anyway.
	maxFieldErrors = 50
)

// inventoryNode is a node that stands for an inventory record.
type inventoryNode struct {
	NodeID string
	Ref    RecordRef
}

// validated checks c and returns it ready to store (empty lists instead of
// missing ones, a default viewport) with every field error found, named
// under prefix ("content.nodes[3].id").
func (c Canvas) validated(prefix string) (Canvas, []errs.FieldError) {
	v := canvasCheck{prefix: prefix}
	if c.Nodes == nil {
		v.add(".nodes", "required", "is required (an array, possibly empty)")
	}
	if c.Edges == nil {
		v.add(".edges", "required", "is required (an array, possibly empty)")
	}
	if len(c.Nodes) > MaxNodes {
		v.add(".nodes", "too_many", "may hold at most "+strconv.Itoa(MaxNodes)+" nodes")
	}
	if len(c.Edges) > MaxEdges {
		v.add(".edges", "too_many", "may hold at most "+strconv.Itoa(MaxEdges)+" edges")
	}
	if c.Viewport == nil {
		c.Viewport = &CanvasViewport{Zoom: 1}
	} else if c.Viewport.Zoom <= 0 {
		v.add(".viewport.zoom", "invalid", "must be greater than 0")
	}
	if len(v.fields) > 0 {
		return c, v.fields
	}
	ids := make(map[string]bool, len(c.Nodes))
	parents := map[int]string{}
	for i, raw := range c.Nodes {
		id, parent := v.node(i, raw)
		if id == "" {
			continue
		}
		if ids[id] {
			v.add(".nodes["+strconv.Itoa(i)+"].id", "duplicate", "another node has the id "+strconv.Quote(id))
		}
		ids[id] = true
		if parent != "" {
			parents[i] = parent
		}
	}
	for i := range c.Nodes {
		if parent, ok := parents[i]; ok && !ids[parent] {
			v.add(".nodes["+strconv.Itoa(i)+"].parentId", "unknown_node", "names no node of this canvas")
		}
	}
	edgeIDs := make(map[string]bool, len(c.Edges))
	for i, raw := range c.Edges {
		id := v.edge(i, raw, ids)
		if id == "" {
			continue
		}
		if edgeIDs[id] {
			v.add(".edges["+strconv.Itoa(i)+"].id", "duplicate", "another edge has the id "+strconv.Quote(id))
		}
		edgeIDs[id] = true
	}
	if len(v.fields) == 0 {
		if size := c.size(); size > MaxContentBytes {
			v.add("", "too_large", "must be at most 2 MiB as JSON (it is "+strconv.Itoa(size)+" bytes)")
		}
	}
	return c, v.fields
}

// size is the length of c as stored.
func (c Canvas) size() int {
	b, err := json.Marshal(c)
	if err != nil {
		return MaxContentBytes + 1
	}
	return len(b)
}

// inventoryNodes lists the nodes that reference inventory records, in
// canvas order. Nodes that do not parse are skipped: a stored canvas was
// validated when it was saved.
func (c Canvas) inventoryNodes() []inventoryNode {
	var out []inventoryNode
	for _, raw := range c.Nodes {
		var n struct {
			ID   string `json:"id"`
			Data struct {
				Kind     Kind   `json:"kind"`
				RecordID string `json:"record_id"`
			} `json:"data"`
		}
		if json.Unmarshal(raw, &n) != nil || !n.Data.Kind.valid() {
			continue
		}
		id, err := uuid.Parse(n.Data.RecordID)
		if err != nil {
			continue
		}
		out = append(out, inventoryNode{NodeID: n.ID, Ref: RecordRef{Kind: n.Data.Kind, ID: id}})
	}
	return out
}

// assetIDs are the distinct assets the canvas's nodes reference.
func assetIDs(nodes []inventoryNode) []uuid.UUID {
	seen := map[uuid.UUID]bool{}
	ids := []uuid.UUID{}
	for _, n := range nodes {
		if n.Ref.Kind == KindAsset && !seen[n.Ref.ID] {
			seen[n.Ref.ID] = true
			ids = append(ids, n.Ref.ID)
		}
	}
	return ids
}

// canvasCheck collects the field errors of one canvas, up to a bound.
type canvasCheck struct {
	prefix string
	fields []errs.FieldError
}

func (v *canvasCheck) add(path, code, message string) {
	if len(v.fields) < maxFieldErrors {
		v.fields = append(v.fields, errs.Field(v.prefix+path, code, message))
	}
}

// object decodes raw as a JSON object, reporting anything else at path.
func (v *canvasCheck) object(path string, raw json.RawMessage) (map[string]json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if isNull(raw) || json.Unmarshal(raw, &m) != nil {
		v.add(path, "invalid_type", "must be an object")
		return nil, false
	}
	return m, true
}

// node checks the node at index i and returns its id ("" when unusable)
// and its parentId ("" when none).
func (v *canvasCheck) node(i int, raw json.RawMessage) (id, parent string) {
	path := ".nodes[" + strconv.Itoa(i) + "]"
	n, ok := v.object(path, raw)
	if !ok {
		return "", ""
	}
	id = v.elementID(path+".id", n["id"])
	if t, present := n["type"]; present && !isNull(t) {
		v.optionalString(path+".type", t, maxNodeType)
	}
	if pos, ok := v.object(path+".position", n["position"]); ok {
		v.number(path+".position.x", pos["x"])
		v.number(path+".position.y", pos["y"])
	}
	if data, ok := v.object(path+".data", n["data"]); ok {
		v.nodeData(path+".data", data)
	}
	if p, present := n["parentId"]; present && !isNull(p) {
		var s string
		if json.Unmarshal(p, &s) != nil || s == "" {
			v.add(path+".parentId", "invalid_type", "must be the id of another node")
		} else if s == id {
			v.add(path+".parentId", "invalid", "a node cannot be its own parent")
		} else {
			parent = s
		}
	}
	return id, parent
}

// nodeData checks the parts of data the server reads: the label and the
// inventory reference.
func (v *canvasCheck) nodeData(path string, data map[string]json.RawMessage) {
	if l, present := data["label"]; present && !isNull(l) {
		v.optionalString(path+".label", l, maxLabel)
	}
	k, hasKind := data["kind"]
	hasKind = hasKind && !isNull(k)
	r, hasRecord := data["record_id"]
	hasRecord = hasRecord && !isNull(r)
	if !hasKind {
		if hasRecord {
			v.add(path+".record_id", "needs_kind", "is only allowed with kind (site, zone, vlan or asset)")
		}
		return
	}
	var kind Kind
	if json.Unmarshal(k, &kind) != nil || !kind.valid() {
		v.add(path+".kind", "invalid", "must be site, zone, vlan or asset")
	}
	var recordID string
	switch {
	case !hasRecord:
		v.add(path+".record_id", "required", "is required with kind")
	case json.Unmarshal(r, &recordID) != nil:
		v.add(path+".record_id", "invalid", "must be a UUID")
	default:
		if _, err := uuid.Parse(recordID); err != nil || len(recordID) != 36 {
			v.add(path+".record_id", "invalid", "must be a UUID")
		}
	}
}

// edge checks the edge at index i and returns its id ("" when unusable).
func (v *canvasCheck) edge(i int, raw json.RawMessage, nodes map[string]bool) string {
	path := ".edges[" + strconv.Itoa(i) + "]"
	e, ok := v.object(path, raw)
	if !ok {
		return ""
	}
	id := v.elementID(path+".id", e["id"])
	for _, end := range []string{"source", "target"} {
		if node := v.elementID(path+"."+end, e[end]); node != "" && !nodes[node] {
			v.add(path+"."+end, "unknown_node", "names no node of this canvas")
		}
	}
	if t, present := e["type"]; present && !isNull(t) {
		v.optionalString(path+".type", t, maxNodeType)
	}
	return id
}

// elementID checks a required, non-empty string id.
func (v *canvasCheck) elementID(path string, raw json.RawMessage) string {
	var s string
	switch {
	case raw == nil || isNull(raw):
		v.add(path, "required", "is required")
	case json.Unmarshal(raw, &s) != nil:
		v.add(path, "invalid_type", "must be a string")
	case s == "":
		v.add(path, "required", "must not be empty")
	case utf8.RuneCountInString(s) > maxElementID:
		v.add(path, "too_long", "must be at most "+strconv.Itoa(maxElementID)+" characters")
	default:
		return s
	}
	return ""
}

func (v *canvasCheck) optionalString(path string, raw json.RawMessage, maxLen int) {
	var s string
	switch {
	case json.Unmarshal(raw, &s) != nil:
		v.add(path, "invalid_type", "must be a string")
	case utf8.RuneCountInString(s) > maxLen:
		v.add(path, "too_long", "must be at most "+strconv.Itoa(maxLen)+" characters")
	}
}

func (v *canvasCheck) number(path string, raw json.RawMessage) {
	var f float64
	if raw == nil || isNull(raw) || json.Unmarshal(raw, &f) != nil {
		v.add(path, "invalid_type", "must be a number")
	}
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }
