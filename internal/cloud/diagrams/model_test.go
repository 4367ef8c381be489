package diagrams

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

func raw(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func node(id string, data map[string]any) map[string]any {
	return map[string]any{"id": id, "position": map[string]any{"x": 1, "y": 2.5}, "data": data}
}

// canvasOf decodes JSON as the HTTP layer does.
func canvasOf(t *testing.T, s string) Canvas {
	t.Helper()
	var c Canvas
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func fieldsOf(fields []errs.FieldError) map[string]string {
	out := map[string]string{}
	for _, f := range fields {
		out[f.Field] = f.Code
	}
	return out
}

func TestCanvasValidation(t *testing.T) {
	asset := uuid.NewString()
	good := `{"nodes": [
		{"id": "a", "type": "asset", "position": {"x": 0, "y": 0}, "data": {"label": "PLC", "kind": "asset", "record_id": "` + asset + `", "colour": "#f00"}, "width": 120, "selected": true},
		{"id": "b", "position": {"x": 10, "y": -5.5}, "data": {}, "parentId": "a", "style": {"border": "1px"}},
		{"id": "c", "type": "zone", "position": {"x": 0, "y": 9}, "data": {}}],
		"edges": [{"id": "e1", "source": "a", "target": "b", "type": "smoothstep", "style": {"strokeDasharray": "4"}, "markerEnd": {"type": "arrow"}}],
		"viewport": {"x": 3, "y": 4, "zoom": 0.5}}`
	c, fields := canvasOf(t, good).validated("content")
	if len(fields) > 0 {
		t.Fatalf("valid canvas refused: %+v", fields)
	}
	out, _ := json.Marshal(c)
	for _, keep := range []string{`"colour":"#f00"`, `"strokeDasharray":"4"`, `"width":120`, `"markerEnd":{"type":"arrow"}`, `"zoom":0.5`} {
		if !strings.Contains(string(out), keep) {
			t.Errorf("free canvas data %s lost: %s", keep, out)
		}
	}
	// Node c is the editor's palette zone waiting for its record: a plain node until data.kind names one.
	if nodes := c.inventoryNodes(); len(nodes) != 1 || nodes[0].NodeID != "a" || nodes[0].Ref.ID.String() != asset {
		t.Fatalf("inventory nodes: %+v", nodes)
	}
	if c, _ := canvasOf(t, `{"nodes": [], "edges": []}`).validated("content"); c.Viewport == nil || c.Viewport.Zoom != 1 {
		t.Fatalf("no default viewport: %+v", c.Viewport)
	}

	for name, tc := range map[string]struct {
		canvas string
		field  string
		code   string
	}{
		"nodes missing":        {`{"edges": []}`, "content.nodes", "required"},
		"edges null":           {`{"nodes": [], "edges": null}`, "content.edges", "required"},
		"zoom zero":            {`{"nodes": [], "edges": [], "viewport": {"x": 0, "y": 0, "zoom": 0}}`, "content.viewport.zoom", "invalid"},
		"node not an object":   {`{"nodes": [3], "edges": []}`, "content.nodes[0]", "invalid_type"},
		"node without id":      {`{"nodes": [{"position": {"x": 0, "y": 0}, "data": {}}], "edges": []}`, "content.nodes[0].id", "required"},
		"numeric node id":      {`{"nodes": [{"id": 7, "position": {"x": 0, "y": 0}, "data": {}}], "edges": []}`, "content.nodes[0].id", "invalid_type"},
		"duplicate node id":    {`{"nodes": [` + string(raw(t, node("a", nil))) + `,` + string(raw(t, node("a", map[string]any{}))) + `], "edges": []}`, "content.nodes[1].id", "duplicate"},
		"no position":          {`{"nodes": [{"id": "a", "data": {}}], "edges": []}`, "content.nodes[0].position", "invalid_type"},
		"position not numbers": {`{"nodes": [{"id": "a", "position": {"x": "1", "y": 0}, "data": {}}], "edges": []}`, "content.nodes[0].position.x", "invalid_type"},
		"no data":              {`{"nodes": [{"id": "a", "position": {"x": 0, "y": 0}}], "edges": []}`, "content.nodes[0].data", "invalid_type"},
		"label not text":       {`{"nodes": [` + string(raw(t, node("a", map[string]any{"label": 5}))) + `], "edges": []}`, "content.nodes[0].data.label", "invalid_type"},
		"unknown kind":         {`{"nodes": [` + string(raw(t, node("a", map[string]any{"kind": "rack", "record_id": asset}))) + `], "edges": []}`, "content.nodes[0].data.kind", "invalid"},
		"kind without record":  {`{"nodes": [` + string(raw(t, node("a", map[string]any{"kind": "asset"}))) + `], "edges": []}`, "content.nodes[0].data.record_id", "required"},
		"record not a uuid":    {`{"nodes": [` + string(raw(t, node("a", map[string]any{"kind": "vlan", "record_id": "10"}))) + `], "edges": []}`, "content.nodes[0].data.record_id", "invalid"},
		"record without kind":  {`{"nodes": [` + string(raw(t, node("a", map[string]any{"record_id": asset}))) + `], "edges": []}`, "content.nodes[0].data.record_id", "needs_kind"},
		"unknown parent":       {`{"nodes": [{"id": "a", "position": {"x": 0, "y": 0}, "data": {}, "parentId": "zz"}], "edges": []}`, "content.nodes[0].parentId", "unknown_node"},
		"dangling edge":        {`{"nodes": [` + string(raw(t, node("a", nil))) + `], "edges": [{"id": "e", "source": "a", "target": "b"}]}`, "content.edges[0].target", "unknown_node"},
		"edge without source":  {`{"nodes": [` + string(raw(t, node("a", nil))) + `], "edges": [{"id": "e", "target": "a"}]}`, "content.edges[0].source", "required"},
		"duplicate edge id":    {`{"nodes": [` + string(raw(t, node("a", map[string]any{}))) + `], "edges": [{"id": "e", "source": "a", "target": "a"}, {"id": "e", "source": "a", "target": "a"}]}`, "content.edges[1].id", "duplicate"},
	} {
		t.Run(name, func(t *testing.T) {
			_, fields := canvasOf(t, tc.canvas).validated("content")
			if got := fieldsOf(fields)[tc.field]; got != tc.code {
				t.Fatalf("field %s: code %q, want %q; all: %+v", tc.field, got, tc.code, fields)
			}
		})
	}
}

func TestCanvasLimits(t *testing.T) {
	var c Canvas
	c.Edges = []json.RawMessage{}
	for i := range MaxNodes + 1 {
		c.Nodes = append(c.Nodes, raw(t, node("n"+string(rune('a'+i%26))+uuid.NewString(), map[string]any{})))
	}
	if _, fields := c.validated("content"); fieldsOf(fields)["content.nodes"] != "too_many" {
		t.Fatalf("5,001 nodes: %+v", fields)
	}
	c.Nodes = []json.RawMessage{raw(t, node("big", map[string]any{"note": strings.Repeat("x", MaxContentBytes)}))}
	if _, fields := c.validated("content"); fieldsOf(fields)["content"] != "too_large" {
		t.Fatalf("2 MiB canvas: %+v", fields)
	}
	c.Nodes = []json.RawMessage{}
	for range MaxEdges + 1 {
		c.Edges = append(c.Edges, raw(t, map[string]string{"id": uuid.NewString(), "source": "a", "target": "a"}))
	}
	if _, fields := c.validated("content"); fieldsOf(fields)["content.edges"] != "too_many" {
		t.Fatalf("10,001 edges: %+v", fields)
	}
	// A canvas broken everywhere answers a bounded list.
	c.Edges = c.Edges[:MaxEdges]
	if _, fields := c.validated("content"); len(fields) != maxFieldErrors {
		t.Fatalf("%d field errors, want %d", len(fields), maxFieldErrors)
	}
}

// genNodeOf is a generated node as the editor reads it.
type genNodeOf struct {
	ID       string
	Type     string
	Position struct{ X, Y float64 }
	Data     map[string]any
}

func decodeGenerated(t *testing.T, c Canvas) (map[string]genNodeOf, map[string]bool) {
	t.Helper()
	nodes := map[string]genNodeOf{}
	for _, r := range c.Nodes {
		var n genNodeOf
		if err := json.Unmarshal(r, &n); err != nil {
			t.Fatal(err)
		}
		nodes[n.ID] = n
	}
	edges := map[string]bool{}
	for _, r := range c.Edges {
		var e struct{ ID, Source, Target string }
		if err := json.Unmarshal(r, &e); err != nil {
			t.Fatal(err)
		}
		edges[e.Source+">"+e.Target] = true
	}
	return nodes, edges
}

func TestGenerateLayout(t *testing.T) {
	id := func() uuid.UUID { return uuid.New() }
	site, ot, it := id(), id(), id()
	v10, v20, v30 := id(), id(), id()
	plc, hmi, laptop := id(), id(), id()
	h := Hierarchy{
		Site:  HierarchySite{ID: site, Name: "Plant"},
		Zones: []HierarchyZone{{ID: it, Name: "Enterprise", PurdueLevel: "4"}, {ID: ot, Name: "Control", PurdueLevel: "2"}},
		VLANs: []HierarchyVLAN{{ID: v20, ZoneID: &ot, Number: 20, Name: "ctl"}, {ID: v10, ZoneID: &it, Number: 10}, {ID: v30, Number: 30}},
		Assets: []HierarchyAsset{
			{ID: plc, Name: "PLC", Category: "ot", Type: "plc", VLANIDs: []uuid.UUID{v20}},
			{ID: hmi, Name: "HMI", Category: "ot", Type: "hmi", VLANIDs: []uuid.UUID{v20, v10, v30}},
			{ID: laptop, Name: "Laptop", Category: "it", Type: "workstation"},
		},
	}
	c, err := generate(h, PresetFullStack)
	if err != nil {
		t.Fatal(err)
	}
	if _, fields := c.validated("content"); len(fields) > 0 {
		t.Fatalf("generated canvas is not valid: %+v", fields)
	}
	nodes, edges := decodeGenerated(t, c)
	if len(nodes) != 9 {
		t.Fatalf("%d nodes, want 9: %v", len(nodes), nodes)
	}
	n := func(k Kind, id uuid.UUID) string { return nodeID(k, id) }
	for _, want := range []string{
		n(KindSite, site) + ">" + n(KindZone, it), n(KindSite, site) + ">" + n(KindZone, ot),
		n(KindZone, it) + ">" + n(KindVLAN, v10), n(KindZone, ot) + ">" + n(KindVLAN, v20), n(KindSite, site) + ">" + n(KindVLAN, v30),
		n(KindVLAN, v20) + ">" + n(KindAsset, plc), n(KindVLAN, v10) + ">" + n(KindAsset, hmi), n(KindVLAN, v20) + ">" + n(KindAsset, hmi),
		n(KindVLAN, v30) + ">" + n(KindAsset, hmi), n(KindSite, site) + ">" + n(KindAsset, laptop),
	} {
		if !edges[want] {
			t.Errorf("missing edge %s", want)
		}
	}
	if len(edges) != 10 {
		t.Errorf("%d edges, want 10", len(edges))
	}
	rows := map[Kind]float64{KindSite: 0, KindZone: rowHeight, KindVLAN: 2 * rowHeight, KindAsset: 3 * rowHeight}
	taken := map[[2]float64]string{}
	for id, node := range nodes {
		kind := Kind(node.Data["kind"].(string))
		if node.Position.Y != rows[kind] || node.Type != string(kind) {
			t.Errorf("%s: y %v type %q, want row of %s", id, node.Position.Y, node.Type, kind)
		}
		key := [2]float64{node.Position.X, node.Position.Y}
		if other, ok := taken[key]; ok {
			t.Errorf("%s and %s overlap at %v", id, other, key)
		}
		taken[key] = id
	}
	// Enterprise (level 4) comes before Control (level 2); parents sit over
	// their children.
	if nodes[n(KindZone, it)].Position.X >= nodes[n(KindZone, ot)].Position.X {
		t.Errorf("zones not in Purdue order")
	}
	if x := nodes[n(KindVLAN, v20)].Position.X; x != nodes[n(KindZone, ot)].Position.X {
		t.Errorf("zone not centred over its only VLAN")
	}

	c, err = generate(h, PresetCMDBOnly)
	if err != nil {
		t.Fatal(err)
	}
	nodes, edges = decodeGenerated(t, c)
	if len(nodes) != 7 || nodes[n(KindZone, it)].ID != "" {
		t.Fatalf("cmdb_only: %d nodes, want VLANs, assets and the site: %v", len(nodes), nodes)
	}
	if !edges[n(KindSite, site)+">"+n(KindAsset, laptop)] || len(edges) != 5 {
		t.Fatalf("cmdb_only edges: %v", edges)
	}
	if nodes[n(KindSite, site)].Position.Y != 0 || nodes[n(KindAsset, laptop)].Position.Y != rowHeight {
		t.Fatalf("cmdb_only rows: %+v", nodes)
	}

	h.Assets = h.Assets[:2]
	c, _ = generate(h, PresetCMDBOnly)
	if nodes, _ := decodeGenerated(t, c); nodes[n(KindSite, site)].ID != "" {
		t.Fatalf("cmdb_only draws the site without assets hanging off it")
	}
	h.Truncated = true
	if _, err := generate(h, PresetFullStack); fieldsOf(errFields(err))["preset"] != "too_many_nodes" {
		t.Fatalf("truncated hierarchy: %v", err)
	}
}

func errFields(err error) []errs.FieldError {
	var e *errs.Error
	if !errors.As(err, &e) {
		return nil
	}
	return e.Fields
}
