package diagrams_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/diagrams"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

const diagramsURL = "/api/v1/diagrams"

// adminDB connects as the database superuser, around row-level security,
// to seed the inventory as fixtures.
func adminDB(t *testing.T, e *cloudtest.Env) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// inventory seeds one tenant's sites, zones, VLANs and assets.
type inventory struct {
	t      *testing.T
	db     *sql.DB
	tenant uuid.UUID
}

func (inv inventory) insert(query string, args ...any) uuid.UUID {
	inv.t.Helper()
	var id uuid.UUID
	if err := inv.db.QueryRow(query, append([]any{inv.tenant}, args...)...).Scan(&id); err != nil {
		inv.t.Fatal(err)
	}
	return id
}

func (inv inventory) site(name string) uuid.UUID {
	return inv.insert(`INSERT INTO sites (tenant_id, name) VALUES ($1, $2) RETURNING id`, name)
}

func (inv inventory) zone(site uuid.UUID, name, level string) uuid.UUID {
	return inv.insert(`INSERT INTO zones (tenant_id, site_id, name, purdue_level) VALUES ($1, $2, $3, $4) RETURNING id`, site, name, level)
}

func (inv inventory) vlan(zone *uuid.UUID, number int, name string) uuid.UUID {
	return inv.insert(`INSERT INTO vlans (tenant_id, zone_id, number, name) VALUES ($1, $2, $3, $4) RETURNING id`, zone, number, name)
}

func (inv inventory) asset(site uuid.UUID, name, lifecycle string, vlans ...uuid.UUID) uuid.UUID {
	inv.t.Helper()
	id := inv.insert(`INSERT INTO assets (tenant_id, site_id, name, category, type, lifecycle)
		VALUES ($1, $2, $3, 'ot', 'plc', $4) RETURNING id`, site, name, lifecycle)
	for _, v := range vlans {
		if _, err := inv.db.Exec(`INSERT INTO asset_vlans (tenant_id, asset_id, vlan_id) VALUES ($1, $2, $3)`, inv.tenant, id, v); err != nil {
			inv.t.Fatal(err)
		}
	}
	return id
}

func (inv inventory) delete(table string, id uuid.UUID) {
	inv.t.Helper()
	if _, err := inv.db.Exec(`DELETE FROM `+table+` WHERE tenant_id = $1 AND id = $2`, inv.tenant, id); err != nil {
		inv.t.Fatal(err)
	}
}

func (inv inventory) links(diagram uuid.UUID) []uuid.UUID {
	inv.t.Helper()
	rows, err := inv.db.Query(`SELECT asset_id FROM diagram_asset_links WHERE tenant_id = $1 AND diagram_id = $2 ORDER BY asset_id`, inv.tenant, diagram)
	if err != nil {
		inv.t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	out := []uuid.UUID{}
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			inv.t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func (inv inventory) auditActions() []string {
	inv.t.Helper()
	rows, err := inv.db.Query(`SELECT action, changes::text FROM audit_log WHERE tenant_id = $1 AND action LIKE 'diagrams.%' ORDER BY at, id`, inv.tenant)
	if err != nil {
		inv.t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var action, changes string
		if err := rows.Scan(&action, &changes); err != nil {
			inv.t.Fatal(err)
		}
		if strings.Contains(changes, "position") {
			inv.t.Errorf("%s audit record carries the canvas: %s", action, changes)
		}
		out = append(out, action)
	}
	return out
}

func seeded(t *testing.T, e *cloudtest.Env, tenant uuid.UUID) inventory {
	return inventory{t: t, db: adminDB(t, e), tenant: tenant}
}

// ok fails the test unless the response is a success.
func ok(t *testing.T, r *apitest.Response) *apitest.Response {
	t.Helper()
	if r.Status >= 300 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	return r
}

// invNode is a node standing for an inventory record.
func invNode(id string, kind diagrams.Kind, record uuid.UUID) map[string]any {
	return map[string]any{"id": id, "type": string(kind), "position": map[string]any{"x": 0, "y": 0},
		"data": map[string]any{"label": id, "kind": kind, "record_id": record}}
}

func shape(id string) map[string]any {
	return map[string]any{"id": id, "type": "shape", "position": map[string]any{"x": 10, "y": 20},
		"data": map[string]any{"label": "Rack 1", "fill": "#eee"}, "style": map[string]any{"width": 300}}
}

func edge(id, source, target string) map[string]any {
	return map[string]any{"id": id, "source": source, "target": target, "type": "step",
		"style": map[string]any{"stroke": "#f00", "strokeWidth": 2, "strokeDasharray": "5 5"}, "markerEnd": map[string]any{"type": "arrowclosed"}}
}

func canvas(nodes []map[string]any, edges ...map[string]any) map[string]any {
	if nodes == nil {
		nodes = []map[string]any{}
	}
	if edges == nil {
		edges = []map[string]any{}
	}
	return map[string]any{"nodes": nodes, "edges": edges, "viewport": map[string]any{"x": 0, "y": 0, "zoom": 1}}
}

func create(t *testing.T, e *cloudtest.Env, s cloudtest.Session, body map[string]any) diagrams.Diagram {
	t.Helper()
	var d diagrams.Diagram
	ok(t, e.Do(t, "POST", diagramsURL, body, s.Bearer())).JSON(t, &d)
	return d
}

func decode(t *testing.T, r *apitest.Response) diagrams.Diagram {
	t.Helper()
	var d diagrams.Diagram
	r.JSON(t, &d)
	return d
}

// fieldError checks a 422 names the field with the code.
func fieldError(field, code string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		for _, f := range r.Problem(t).Errors {
			if f.Field == field && (code == "" || f.Code == code) {
				return
			}
		}
		t.Fatalf("no error %s for %s: %s", code, field, r.Body)
	}
}

// generated is a generated canvas as the editor reads it.
type generated struct {
	Nodes []struct {
		ID       string
		Type     string
		Position struct{ X, Y float64 }
		Data     struct {
			Label    string
			Kind     string
			RecordID uuid.UUID `json:"record_id"`
		}
	}
	Edges []struct{ ID, Source, Target string }
}

func (g generated) node(kind string, id uuid.UUID) (x, y float64, found bool) {
	for _, n := range g.Nodes {
		if n.ID == kind+"-"+id.String() {
			return n.Position.X, n.Position.Y, n.Data.Kind == kind && n.Data.RecordID == id
		}
	}
	return 0, 0, false
}

func (g generated) edge(sourceKind string, source uuid.UUID, targetKind string, target uuid.UUID) bool {
	for _, e := range g.Edges {
		if e.Source == sourceKind+"-"+source.String() && e.Target == targetKind+"-"+target.String() {
			return true
		}
	}
	return false
}

func (g generated) kinds() map[string]int {
	out := map[string]int{}
	for _, n := range g.Nodes {
		out[n.Data.Kind]++
	}
	return out
}

func TestDiagramRoutesAreDocumented(t *testing.T) {
	e := cloudtest.New(t)
	cloudtest.AssertRoutePermissions(t, e, map[string]map[string]string{
		diagramsURL:                    {"get": "diagrams.read", "post": "diagrams.create"},
		diagramsURL + "/{id}":          {"get": "diagrams.read", "patch": "diagrams.update", "delete": "diagrams.delete"},
		diagramsURL + "/{id}/content":  {"put": "diagrams.update"},
		diagramsURL + "/{id}/generate": {"post": "diagrams.update"},
	})
}

func TestDiagramsSuccess(t *testing.T) {
	e := cloudtest.New(t)
	tenant, admin := e.ActiveTenant(t, "acme")
	inv := seeded(t, e, tenant)
	plant, office := inv.site("Plant"), inv.site("Office")
	plc := inv.asset(plant, "PLC-1", "active")
	h := admin.Bearer()

	empty := create(t, e, admin, map[string]any{"name": "Overview", "site_id": plant})
	drawn := create(t, e, admin, map[string]any{"name": "Cell 1", "description": "Line one", "site_id": plant,
		"content": canvas([]map[string]any{shape("rack"), invNode("plc", diagrams.KindAsset, plc)}, edge("e1", "rack", "plc"))})
	other := create(t, e, admin, map[string]any{"name": "overview", "site_id": office})
	var page httpapi.Page[map[string]any]

	apitest.Run(t, e.Server.App(), "create", []apitest.Case{
		{Name: "empty canvas", Method: "GET", Path: diagramsURL + "/" + empty.ID.String(), Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			d := decode(t, r)
			if d.Version != 1 || len(d.Content.Nodes) != 0 || len(d.Content.Edges) != 0 || d.Content.Viewport == nil || d.Content.Viewport.Zoom != 1 ||
				d.CreatedBy == nil || d.UpdatedBy == nil || *d.CreatedBy != *d.UpdatedBy || len(d.UnlinkedNodes) != 0 {
				t.Fatalf("new diagram: %s", r.Body)
			}
		}},
		{Name: "with a canvas, free data kept", Method: "GET", Path: diagramsURL + "/" + drawn.ID.String(), Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			d := decode(t, r)
			body := string(r.Body)
			if len(d.Content.Nodes) != 2 || len(d.Content.Edges) != 1 || d.Description != "Line one" ||
				!strings.Contains(body, `"strokeDasharray":"5 5"`) || !strings.Contains(body, `"fill":"#eee"`) || !strings.Contains(body, `"markerEnd":{"type":"arrowclosed"}`) {
				t.Fatalf("canvas not kept: %s", body)
			}
			if links := inv.links(drawn.ID); !slices.Equal(links, []uuid.UUID{plc}) {
				t.Fatalf("links %v, want the PLC", links)
			}
		}},
		{Name: "the same name on another site", Method: "GET", Path: diagramsURL + "/" + other.ID.String(), Headers: h, Status: 200},
	})

	apitest.Run(t, e.Server.App(), "list", []apitest.Case{
		{Name: "all, in name order, without canvas", Method: "GET", Path: diagramsURL, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			r.JSON(t, &page)
			var names []string
			for _, it := range page.Items {
				names = append(names, it["name"].(string))
				if _, has := it["content"]; has {
					t.Fatalf("list carries content: %s", r.Body)
				}
				if it["name"] == "Cell 1" && (it["node_count"] != 2.0 || it["updated_by"] == nil || it["updated_at"] == nil) {
					t.Fatalf("list item: %v", it)
				}
			}
			if strings.Join(names, ",") != "Cell 1,Overview,overview" && strings.Join(names, ",") != "Cell 1,overview,Overview" {
				t.Fatalf("names %v", names)
			}
		}},
		{Name: "by site", Method: "GET", Path: diagramsURL + "?site_id=" + office.String(), Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			r.JSON(t, &page)
			if len(page.Items) != 1 || page.Items[0]["id"] != other.ID.String() {
				t.Fatalf("site filter: %s", r.Body)
			}
		}},
		{Name: "by name", Method: "GET", Path: diagramsURL + "?q=CELL", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			r.JSON(t, &page)
			if len(page.Items) != 1 || page.Items[0]["id"] != drawn.ID.String() {
				t.Fatalf("q filter: %s", r.Body)
			}
		}},
		{Name: "LIKE wildcards are plain text", Method: "GET", Path: diagramsURL + "?q=%25", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			r.JSON(t, &page)
			if len(page.Items) != 0 {
				t.Fatalf("%% matched: %s", r.Body)
			}
		}},
		{Name: "keyset pages", Method: "GET", Path: diagramsURL + "?limit=2", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			r.JSON(t, &page)
			if len(page.Items) != 2 || page.NextCursor == nil {
				t.Fatalf("first page: %s", r.Body)
			}
			var next httpapi.Page[map[string]any]
			ok(t, e.Do(t, "GET", diagramsURL+"?limit=2&cursor="+*page.NextCursor, nil, h)).JSON(t, &next)
			if len(next.Items) != 1 || next.NextCursor != nil || next.Items[0]["id"] == page.Items[1]["id"] {
				t.Fatalf("second page: %+v", next)
			}
		}},
	})

	nodes := []map[string]any{shape("rack"), shape("cabinet"), invNode("plc", diagrams.KindAsset, plc)}
	apitest.Run(t, e.Server.App(), "change", []apitest.Case{
		{Name: "content save bumps the version", Method: "PUT", Path: diagramsURL + "/" + empty.ID.String() + "/content", Headers: h,
			Body: map[string]any{"version": 1, "content": canvas(nodes, edge("a", "rack", "cabinet"), edge("b", "cabinet", "plc"))}, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				d := decode(t, r)
				if d.Version != 2 || len(d.Content.Nodes) != 3 || len(d.Content.Edges) != 2 || d.UpdatedAt.Before(d.CreatedAt) {
					t.Fatalf("saved: %s", r.Body)
				}
				if links := inv.links(empty.ID); !slices.Equal(links, []uuid.UUID{plc}) {
					t.Fatalf("links %v", links)
				}
			}},
		{Name: "a second save", Method: "PUT", Path: diagramsURL + "/" + empty.ID.String() + "/content", Headers: h,
			Body: map[string]any{"version": 2, "content": canvas([]map[string]any{shape("rack")})}, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if d := decode(t, r); d.Version != 3 || len(d.Content.Nodes) != 1 {
					t.Fatalf("saved: %s", r.Body)
				}
				if links := inv.links(empty.ID); len(links) != 0 {
					t.Fatalf("links of a canvas without assets: %v", links)
				}
			}},
		{Name: "rename", Method: "PATCH", Path: diagramsURL + "/" + empty.ID.String(), Headers: h,
			Body: map[string]any{"name": "  Site overview ", "description": "All of it", "version": 3}, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if d := decode(t, r); d.Version != 4 || d.Name != "Site overview" || d.Description != "All of it" || len(d.Content.Nodes) != 1 {
					t.Fatalf("patched: %s", r.Body)
				}
			}},
		{Name: "its own site is no change", Method: "PATCH", Path: diagramsURL + "/" + empty.ID.String(), Headers: h,
			Body: map[string]any{"site_id": plant, "version": 4}, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if d := decode(t, r); d.Version != 4 {
					t.Fatalf("no-op patch changed the version: %s", r.Body)
				}
			}},
		{Name: "delete", Method: "DELETE", Path: diagramsURL + "/" + other.ID.String(), Headers: h, Status: 204},
		{Name: "deleted is gone", Method: "GET", Path: diagramsURL + "/" + other.ID.String(), Headers: h, Status: 404, Code: "not_found"},
	})

	want := []string{"diagrams.create", "diagrams.create", "diagrams.create", "diagrams.content", "diagrams.content", "diagrams.update", "diagrams.delete"}
	if got := inv.auditActions(); !slices.Equal(got, want) {
		t.Fatalf("audit %v, want %v", got, want)
	}
}

// TestDiagramPresets: import hierarchy, generated at creation and for an
// existing diagram.
func TestDiagramPresets(t *testing.T) {
	e := cloudtest.New(t)
	tenant, admin := e.ActiveTenant(t, "acme")
	inv := seeded(t, e, tenant)
	plant := inv.site("Plant")
	ent, ctl := inv.zone(plant, "Enterprise", "4"), inv.zone(plant, "Control", "2")
	v10, v20 := inv.vlan(&ent, 10, "office"), inv.vlan(&ctl, 20, "control")
	loose := inv.vlan(nil, 99, "no zone") // a VLAN without a zone that an asset sits in
	plc := inv.asset(plant, "PLC", "active", v20)
	hmi := inv.asset(plant, "HMI", "active", v20, v10)
	scanner := inv.asset(plant, "Scanner", "planned", loose)
	laptop := inv.asset(plant, "Laptop", "active") // no VLAN: hangs off the site
	inv.asset(plant, "Old PLC", "decommissioned", v20)
	inv.asset(plant, "Unknown device", "discovered")
	bare := inv.site("Bare")
	bareVLAN := inv.vlan(ptr(inv.zone(bare, "Cell", "1")), 5, "cell")
	bareAsset := inv.asset(bare, "Drive", "active", bareVLAN)
	h := admin.Bearer()

	fullStack := func(t *testing.T, g generated) {
		t.Helper()
		if k := g.kinds(); k["site"] != 1 || k["zone"] != 2 || k["vlan"] != 3 || k["asset"] != 4 || len(g.Nodes) != 10 {
			t.Fatalf("full_stack nodes %v: %+v", k, g.Nodes)
		}
		for _, want := range [][4]any{
			{"site", plant, "zone", ent}, {"site", plant, "zone", ctl}, {"zone", ent, "vlan", v10}, {"zone", ctl, "vlan", v20},
			{"site", plant, "vlan", loose}, {"vlan", v20, "asset", plc}, {"vlan", v20, "asset", hmi}, {"vlan", v10, "asset", hmi},
			{"vlan", loose, "asset", scanner}, {"site", plant, "asset", laptop},
		} {
			if !g.edge(want[0].(string), want[1].(uuid.UUID), want[2].(string), want[3].(uuid.UUID)) {
				t.Errorf("no edge %v → %v", want[0], want[2])
			}
		}
		if len(g.Edges) != 10 {
			t.Errorf("%d edges, want 10", len(g.Edges))
		}
		rows := map[string]float64{}
		for _, n := range g.Nodes {
			if y, seen := rows[n.Data.Kind]; seen && y != n.Position.Y {
				t.Errorf("%s nodes on several rows", n.Data.Kind)
			}
			rows[n.Data.Kind] = n.Position.Y
		}
		if !(rows["site"] < rows["zone"] && rows["zone"] < rows["vlan"] && rows["vlan"] < rows["asset"]) {
			t.Errorf("rows out of order: %v", rows)
		}
	}
	var created diagrams.Diagram
	apitest.Run(t, e.Server.App(), "full stack", []apitest.Case{
		{Name: "at creation", Method: "POST", Path: diagramsURL, Headers: h, Status: 201,
			Body: map[string]any{"name": "Full", "site_id": plant, "preset": "full_stack"},
			Check: func(t *testing.T, r *apitest.Response) {
				created = decode(t, r)
				var g generated
				raw, _ := json.Marshal(created.Content)
				if err := json.Unmarshal(raw, &g); err != nil {
					t.Fatal(err)
				}
				fullStack(t, g)
				links := inv.links(created.ID)
				want := []uuid.UUID{plc, hmi, scanner, laptop}
				slices.SortFunc(want, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
				if !slices.Equal(links, want) {
					t.Fatalf("links %v, want %v", links, want)
				}
			}},
	})
	var g generated
	ok(t, e.Do(t, "POST", diagramsURL+"/"+created.ID.String()+"/generate", map[string]any{"preset": "full_stack"}, h)).JSON(t, &g)
	fullStack(t, g)
	if d := decode(t, ok(t, e.Do(t, "GET", diagramsURL+"/"+created.ID.String(), nil, h))); d.Version != 1 {
		t.Fatalf("generate changed the diagram: version %d", d.Version)
	}

	empty := create(t, e, admin, map[string]any{"name": "VLANs", "site_id": plant})
	apitest.Run(t, e.Server.App(), "cmdb only", []apitest.Case{
		{Name: "VLANs and assets; the site only for assets without a VLAN", Method: "POST", Path: diagramsURL + "/" + empty.ID.String() + "/generate", Headers: h,
			Body: map[string]any{"preset": "cmdb_only"}, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
				var g generated
				r.JSON(t, &g)
				if k := g.kinds(); k["site"] != 1 || k["zone"] != 0 || k["vlan"] != 3 || k["asset"] != 4 {
					t.Fatalf("cmdb_only nodes %v", k)
				}
				if !g.edge("site", plant, "asset", laptop) || !g.edge("vlan", v10, "asset", hmi) || !g.edge("vlan", v20, "asset", hmi) || len(g.Edges) != 5 {
					t.Fatalf("cmdb_only edges: %+v", g.Edges)
				}
				_, siteY, _ := g.node("site", plant)
				_, vlanY, _ := g.node("vlan", v20)
				_, assetY, _ := g.node("asset", laptop)
				if siteY != vlanY || assetY <= vlanY {
					t.Fatalf("cmdb_only rows: site %v vlan %v asset %v", siteY, vlanY, assetY)
				}
			}},
		{Name: "no site node when every asset has a VLAN", Method: "POST", Path: diagramsURL, Headers: h, Status: 201,
			Body: map[string]any{"name": "Bare", "site_id": bare, "preset": "cmdb_only"}, Check: func(t *testing.T, r *apitest.Response) {
				var g generated
				raw, _ := json.Marshal(decode(t, r).Content)
				_ = json.Unmarshal(raw, &g)
				if k := g.kinds(); k["site"] != 0 || k["vlan"] != 1 || k["asset"] != 1 || !g.edge("vlan", bareVLAN, "asset", bareAsset) {
					t.Fatalf("bare site: %s", raw)
				}
			}},
	})

	big := inv.site("Big")
	if _, err := inv.db.Exec(`INSERT INTO assets (tenant_id, site_id, name, category, type)
		SELECT $1, $2, 'asset-' || i, 'it', 'server' FROM generate_series(1, $3::int) i`, tenant, big, diagrams.MaxNodes); err != nil {
		t.Fatal(err)
	}
	bigDiagram := create(t, e, admin, map[string]any{"name": "Big", "site_id": big})
	apitest.Run(t, e.Server.App(), "too large", []apitest.Case{
		{Name: "5,000 assets and the site are one node too many", Method: "POST", Path: diagramsURL, Headers: h, Status: 422, Code: "validation_failed",
			Body: map[string]any{"name": "Too big", "site_id": big, "preset": "full_stack"}, Check: fieldError("preset", "too_many_nodes")},
		{Name: "generating too", Method: "POST", Path: diagramsURL + "/" + bigDiagram.ID.String() + "/generate", Headers: h, Status: 422, Code: "validation_failed",
			Body: map[string]any{"preset": "cmdb_only"}, Check: fieldError("preset", "too_many_nodes")},
	})
}

func ptr[T any](v T) *T { return &v }

func TestDiagramValidation(t *testing.T) {
	e := cloudtest.New(t)
	tenant, admin := e.ActiveTenant(t, "acme")
	inv := seeded(t, e, tenant)
	plant := inv.site("Plant")
	d := create(t, e, admin, map[string]any{"name": "Taken", "site_id": plant})
	h := admin.Bearer()
	content := diagramsURL + "/" + d.ID.String() + "/content"
	put := func(c any) map[string]any { return map[string]any{"version": 1, "content": c} }
	n := func(id string) map[string]any { return shape(id) }

	apitest.Run(t, e.Server.App(), "create", []apitest.Case{
		{Name: "no name", Method: "POST", Path: diagramsURL, Headers: h, Body: map[string]any{"name": " ", "site_id": plant}, Status: 422, Check: fieldError("name", "required")},
		{Name: "no site", Method: "POST", Path: diagramsURL, Headers: h, Body: map[string]any{"name": "X"}, Status: 422, Check: fieldError("site_id", "required")},
		{Name: "unknown site", Method: "POST", Path: diagramsURL, Headers: h, Body: map[string]any{"name": "X", "site_id": uuid.New()}, Status: 422, Check: fieldError("site_id", "not_found")},
		{Name: "unknown site with a preset", Method: "POST", Path: diagramsURL, Headers: h, Body: map[string]any{"name": "X", "site_id": uuid.New(), "preset": "full_stack"}, Status: 422, Check: fieldError("site_id", "not_found")},
		{Name: "name taken on the site", Method: "POST", Path: diagramsURL, Headers: h, Body: map[string]any{"name": "TAKEN", "site_id": plant}, Status: 422, Check: fieldError("name", "taken")},
		{Name: "unknown preset", Method: "POST", Path: diagramsURL, Headers: h, Body: map[string]any{"name": "X", "site_id": plant, "preset": "everything"}, Status: 422, Check: fieldError("preset", "invalid")},
		{Name: "preset and content", Method: "POST", Path: diagramsURL, Headers: h, Body: map[string]any{"name": "X", "site_id": plant, "preset": "cmdb_only", "content": canvas(nil)}, Status: 422, Check: fieldError("preset", "conflicts")},
		{Name: "bad content at creation", Method: "POST", Path: diagramsURL, Headers: h, Body: map[string]any{"name": "X", "site_id": plant, "content": map[string]any{"nodes": []any{}}}, Status: 422, Check: fieldError("content.edges", "required")},
		{Name: "unknown field", Method: "POST", Path: diagramsURL, Headers: h, Body: map[string]any{"name": "X", "site_id": plant, "colour": "red"}, Status: 422, Check: fieldError("colour", "unknown_field")},
		{Name: "unknown preset to generate", Method: "POST", Path: diagramsURL + "/" + d.ID.String() + "/generate", Headers: h, Body: map[string]any{"preset": "all"}, Status: 422, Check: fieldError("preset", "invalid")},
	})
	apitest.Run(t, e.Server.App(), "content", []apitest.Case{
		{Name: "no version", Method: "PUT", Path: content, Headers: h, Body: map[string]any{"content": canvas(nil)}, Status: 422, Check: fieldError("version", "required")},
		{Name: "no content", Method: "PUT", Path: content, Headers: h, Body: map[string]any{"version": 1}, Status: 422, Check: fieldError("content.nodes", "required")},
		{Name: "nodes not an array", Method: "PUT", Path: content, Headers: h, Body: put(map[string]any{"nodes": "x", "edges": []any{}}), Status: 422, Check: fieldError("content.nodes", "invalid_type")},
		{Name: "unknown top-level key", Method: "PUT", Path: content, Headers: h, Body: put(map[string]any{"nodes": []any{}, "edges": []any{}, "extra": 1}), Status: 422, Check: fieldError("extra", "unknown_field")},
		{Name: "duplicate node ids", Method: "PUT", Path: content, Headers: h, Body: put(canvas([]map[string]any{n("a"), n("a")})), Status: 422, Check: fieldError("content.nodes[1].id", "duplicate")},
		{Name: "dangling edge", Method: "PUT", Path: content, Headers: h, Body: put(canvas([]map[string]any{n("a")}, edge("e", "a", "ghost"))), Status: 422, Check: fieldError("content.edges[0].target", "unknown_node")},
		{Name: "node without position", Method: "PUT", Path: content, Headers: h, Body: put(canvas([]map[string]any{{"id": "a", "data": map[string]any{}}})), Status: 422, Check: fieldError("content.nodes[0].position", "invalid_type")},
		{Name: "record id not a uuid", Method: "PUT", Path: content, Headers: h,
			Body: put(canvas([]map[string]any{{"id": "a", "position": map[string]any{"x": 0, "y": 0}, "data": map[string]any{"kind": "asset", "record_id": "PLC-1"}}})), Status: 422, Check: fieldError("content.nodes[0].data.record_id", "invalid")},
		{Name: "unknown kind", Method: "PUT", Path: content, Headers: h,
			Body: put(canvas([]map[string]any{{"id": "a", "position": map[string]any{"x": 0, "y": 0}, "data": map[string]any{"kind": "rack", "record_id": uuid.New()}}})), Status: 422, Check: fieldError("content.nodes[0].data.kind", "invalid")},
		{Name: "viewport zoom zero", Method: "PUT", Path: content, Headers: h, Body: put(map[string]any{"nodes": []any{}, "edges": []any{}, "viewport": map[string]any{"x": 0, "y": 0, "zoom": 0}}), Status: 422, Check: fieldError("content.viewport.zoom", "invalid")},
		{Name: "not JSON", Method: "PUT", Path: content, Headers: h, Body: "{", Status: 400, Code: "malformed_json"},
		{Name: "nothing was saved", Method: "GET", Path: diagramsURL + "/" + d.ID.String(), Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if d := decode(t, r); d.Version != 1 {
				t.Fatalf("version %d", d.Version)
			}
		}},
	})
	apitest.Run(t, e.Server.App(), "list and patch", []apitest.Case{
		{Name: "site filter not a uuid", Method: "GET", Path: diagramsURL + "?site_id=plant", Headers: h, Status: 422, Check: fieldError("site_id", "invalid")},
		{Name: "bad cursor", Method: "GET", Path: diagramsURL + "?cursor=zz", Headers: h, Status: 400, Code: "invalid_cursor"},
		{Name: "empty name", Method: "PATCH", Path: diagramsURL + "/" + d.ID.String(), Headers: h, Body: map[string]any{"name": "", "version": 1}, Status: 422, Check: fieldError("name", "required")},
		{Name: "no version", Method: "PATCH", Path: diagramsURL + "/" + d.ID.String(), Headers: h, Body: map[string]any{"name": "Y"}, Status: 422, Check: fieldError("version", "required")},
		{Name: "another site", Method: "PATCH", Path: diagramsURL + "/" + d.ID.String(), Headers: h, Body: map[string]any{"site_id": inv.site("Elsewhere"), "version": 1}, Status: 422, Check: fieldError("site_id", "immutable")},
	})
}

// TestDiagramBodyLimit: a canvas may be 2 MiB, its request a little more,
// when the server's own limit lets such bodies through.
func TestDiagramBodyLimit(t *testing.T) {
	e := cloudtest.New(t)
	tenant, admin := e.ActiveTenant(t, "acme")
	d := create(t, e, admin, map[string]any{"name": "Big", "site_id": seeded(t, e, tenant).site("Plant")})
	h := admin.Bearer()
	note := func(n int) map[string]any {
		return map[string]any{"version": 1, "content": canvas([]map[string]any{{"id": "a", "position": map[string]any{"x": 0, "y": 0},
			"data": map[string]any{"note": strings.Repeat("x", n)}}})}
	}
	apitest.Run(t, e.Server.App(), "size", []apitest.Case{
		{Name: "just under 2 MiB", Method: "PUT", Path: diagramsURL + "/" + d.ID.String() + "/content", Headers: h, Body: note(diagrams.MaxContentBytes - 1000), Status: 200},
		{Name: "over 2 MiB of canvas", Method: "PUT", Path: diagramsURL + "/" + d.ID.String() + "/content", Headers: h, Body: note(diagrams.MaxContentBytes + 10), Status: 422, Check: fieldError("content", "too_large")},
		{Name: "a body far larger", Method: "PUT", Path: diagramsURL + "/" + d.ID.String() + "/content", Headers: h, Body: note(3 << 20), Status: 413},
	})
}

func TestDiagramConflicts(t *testing.T) {
	e := cloudtest.New(t)
	tenant, admin := e.ActiveTenant(t, "acme")
	d := create(t, e, admin, map[string]any{"name": "Shared", "site_id": seeded(t, e, tenant).site("Plant")})
	h := admin.Bearer()
	content := diagramsURL + "/" + d.ID.String() + "/content"
	ok(t, e.Do(t, "PUT", content, map[string]any{"version": 1, "content": canvas([]map[string]any{shape("a")})}, h))

	namesVersion := func(v int) func(*testing.T, *apitest.Response) {
		return func(t *testing.T, r *apitest.Response) {
			if p := r.Problem(t); !strings.Contains(p.Detail, fmt.Sprintf("version %d", v)) {
				t.Fatalf("detail does not name the current version %d: %s", v, r.Body)
			}
		}
	}
	apitest.Run(t, e.Server.App(), "stale version", []apitest.Case{
		{Name: "content saved at version 1 again", Method: "PUT", Path: content, Headers: h,
			Body: map[string]any{"version": 1, "content": canvas([]map[string]any{shape("b")})}, Status: 409, Code: "version_conflict", Check: namesVersion(2)},
		{Name: "a version from the future", Method: "PUT", Path: content, Headers: h,
			Body: map[string]any{"version": 7, "content": canvas(nil)}, Status: 409, Code: "version_conflict", Check: namesVersion(2)},
		{Name: "patch at version 1", Method: "PATCH", Path: diagramsURL + "/" + d.ID.String(), Headers: h,
			Body: map[string]any{"name": "Mine", "version": 1}, Status: 409, Code: "version_conflict", Check: namesVersion(2)},
		{Name: "the first save stands", Method: "GET", Path: diagramsURL + "/" + d.ID.String(), Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if d := decode(t, r); d.Version != 2 || d.Name != "Shared" || !strings.Contains(string(r.Body), `"id":"a"`) {
				t.Fatalf("diagram changed: %s", r.Body)
			}
		}},
	})
}

// TestDiagramLinks: asset nodes become diagram_asset_links on every save;
// nodes of deleted records are kept and reported as unlinked.
func TestDiagramLinks(t *testing.T) {
	e := cloudtest.New(t)
	tenant, admin := e.ActiveTenant(t, "acme")
	inv := seeded(t, e, tenant)
	plant := inv.site("Plant")
	zone := inv.zone(plant, "Cell", "1")
	vlan := inv.vlan(&zone, 10, "cell")
	plc, hmi := inv.asset(plant, "PLC", "active", vlan), inv.asset(plant, "HMI", "active")
	h := admin.Bearer()
	forAsset := func(asset uuid.UUID) []diagrams.Ref {
		t.Helper()
		var refs []diagrams.Ref
		ctx := auth.WithPrincipal(context.Background(), auth.System(tenant))
		if err := e.DB.App.InTenant(ctx, func(tx *database.Tx) error {
			var err error
			refs, err = e.Services.Diagrams.ForAsset(ctx, tx, asset)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return refs
	}

	a := create(t, e, admin, map[string]any{"name": "B cell", "site_id": plant})
	b := create(t, e, admin, map[string]any{"name": "A line", "site_id": plant,
		"content": canvas([]map[string]any{invNode("plc", diagrams.KindAsset, plc)})})
	ok(t, e.Do(t, "PUT", diagramsURL+"/"+a.ID.String()+"/content", map[string]any{"version": 1, "content": canvas([]map[string]any{
		invNode("site", diagrams.KindSite, plant), invNode("zone", diagrams.KindZone, zone), invNode("vlan", diagrams.KindVLAN, vlan),
		invNode("plc", diagrams.KindAsset, plc), invNode("plc again", diagrams.KindAsset, plc), invNode("hmi", diagrams.KindAsset, hmi),
	}, edge("e1", "site", "zone"), edge("e2", "vlan", "plc"))}, h))

	if refs := forAsset(plc); len(refs) != 2 || refs[0].ID != b.ID || refs[0].Name != "A line" || refs[1].ID != a.ID {
		t.Fatalf("ForAsset(plc) = %+v, want both diagrams in name order", refs)
	}
	if refs := forAsset(hmi); len(refs) != 1 || refs[0].ID != a.ID {
		t.Fatalf("ForAsset(hmi) = %+v", refs)
	}
	if links := inv.links(a.ID); len(links) != 2 {
		t.Fatalf("links %v, want PLC and HMI once each", links)
	}

	apitest.Run(t, e.Server.App(), "asset detail", []apitest.Case{
		{Name: "the diagrams panel lists both", Method: "GET", Path: "/api/v1/assets/" + plc.String(), Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var detail struct {
				Panels struct {
					Diagrams []diagrams.Ref `json:"diagrams"`
				} `json:"panels"`
			}
			r.JSON(t, &detail)
			if got := detail.Panels.Diagrams; len(got) != 2 || got[0].ID != b.ID || got[1].ID != a.ID {
				t.Fatalf("diagrams panel: %s", r.Body)
			}
		}},
	})

	inv.delete("assets", hmi)
	if _, err := inv.db.Exec(`DELETE FROM asset_vlans WHERE tenant_id = $1 AND vlan_id = $2`, tenant, vlan); err != nil {
		t.Fatal(err)
	}
	inv.delete("vlans", vlan)
	apitest.Run(t, e.Server.App(), "deleted records", []apitest.Case{
		{Name: "nodes of deleted records are unlinked", Method: "GET", Path: diagramsURL + "/" + a.ID.String(), Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			d := decode(t, r)
			want := []diagrams.UnlinkedNode{{NodeID: "vlan", Kind: diagrams.KindVLAN, RecordID: vlan}, {NodeID: "hmi", Kind: diagrams.KindAsset, RecordID: hmi}}
			if !slices.Equal(d.UnlinkedNodes, want) || len(d.Content.Nodes) != 6 {
				t.Fatalf("unlinked %+v, want %+v", d.UnlinkedNodes, want)
			}
			if refs := forAsset(hmi); len(refs) != 0 {
				t.Fatalf("a deleted asset still lists diagrams: %+v", refs)
			}
		}},
		{Name: "saving with a deleted asset's node skips its link", Method: "PUT", Path: diagramsURL + "/" + a.ID.String() + "/content", Headers: h,
			Body:   map[string]any{"version": 2, "content": canvas([]map[string]any{invNode("hmi", diagrams.KindAsset, hmi), invNode("plc", diagrams.KindAsset, plc)})},
			Status: 200, Check: func(t *testing.T, r *apitest.Response) {
				d := decode(t, r)
				if len(d.UnlinkedNodes) != 1 || d.UnlinkedNodes[0].NodeID != "hmi" {
					t.Fatalf("unlinked: %s", r.Body)
				}
				if links := inv.links(a.ID); !slices.Equal(links, []uuid.UUID{plc}) {
					t.Fatalf("links %v, want only the PLC", links)
				}
			}},
		{Name: "deleting a diagram drops its links", Method: "DELETE", Path: diagramsURL + "/" + b.ID.String(), Headers: h, Status: 204, Check: func(t *testing.T, _ *apitest.Response) {
			if refs := forAsset(plc); len(refs) != 1 || refs[0].ID != a.ID {
				t.Fatalf("ForAsset after delete: %+v", refs)
			}
		}},
	})
}

// TestDiagramPermissions: the Read only group may look but not change.
func TestDiagramPermissions(t *testing.T) {
	e := cloudtest.New(t)
	tenant, admin := e.ActiveTenant(t, "acme")
	plant := seeded(t, e, tenant).site("Plant")
	d := create(t, e, admin, map[string]any{"name": "Plant", "site_id": plant}).ID.String()
	h := e.UserInGroup(t, tenant, "ro@acme.example.com", "read_only").Bearer()

	apitest.Run(t, e.Server.App(), "reads are allowed", []apitest.Case{
		{Name: "list", Method: "GET", Path: diagramsURL, Headers: h, Status: 200},
		{Name: "get", Method: "GET", Path: diagramsURL + "/" + d, Headers: h, Status: 200},
	})
	apitest.Run(t, e.Server.App(), "changes are denied", []apitest.Case{
		{Name: "create", Method: "POST", Path: diagramsURL, Headers: h, Body: map[string]any{"name": "Mine", "site_id": plant}, Status: 403, Code: "permission_denied"},
		{Name: "patch", Method: "PATCH", Path: diagramsURL + "/" + d, Headers: h, Body: map[string]any{"name": "Mine", "version": 1}, Status: 403, Code: "permission_denied"},
		{Name: "save content", Method: "PUT", Path: diagramsURL + "/" + d + "/content", Headers: h, Body: map[string]any{"version": 1, "content": canvas(nil)}, Status: 403, Code: "permission_denied"},
		{Name: "generate", Method: "POST", Path: diagramsURL + "/" + d + "/generate", Headers: h, Body: map[string]any{"preset": "full_stack"}, Status: 403, Code: "permission_denied"},
		{Name: "delete", Method: "DELETE", Path: diagramsURL + "/" + d, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "no token at all", Method: "GET", Path: diagramsURL, Status: 401},
	})
	apitest.Run(t, e.Server.App(), "nothing changed", []apitest.Case{
		{Name: "still version 1", Method: "GET", Path: diagramsURL + "/" + d, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if got := decode(t, r); got.Version != 1 || got.Name != "Plant" {
				t.Fatalf("changed: %s", r.Body)
			}
		}},
	})
}

// TestDiagramCrossTenant: tenant A finds none of tenant B's diagrams, and
// cannot link B's assets into its own.
func TestDiagramCrossTenant(t *testing.T) {
	e := cloudtest.New(t)
	tenantA, a := e.ActiveTenant(t, "tenant-a")
	tenantB, b := e.ActiveTenant(t, "tenant-b")
	invA, invB := seeded(t, e, tenantA), seeded(t, e, tenantB)
	siteA, siteB := invA.site("Plant A"), invB.site("Plant B")
	assetB := invB.asset(siteB, "B's PLC", "active")
	diagramB := create(t, e, b, map[string]any{"name": "B secret", "site_id": siteB,
		"content": canvas([]map[string]any{invNode("plc", diagrams.KindAsset, assetB)})}).ID.String()
	mine := create(t, e, a, map[string]any{"name": "A's", "site_id": siteA})
	h := a.Bearer()

	var cases []apitest.Case
	for _, id := range []string{diagramB, "not-a-uuid", "123"} {
		cases = append(cases,
			apitest.Case{Name: "get " + id, Method: "GET", Path: diagramsURL + "/" + id},
			apitest.Case{Name: "patch " + id, Method: "PATCH", Path: diagramsURL + "/" + id, Body: map[string]any{"name": "Mine now", "version": 1}},
			apitest.Case{Name: "save content " + id, Method: "PUT", Path: diagramsURL + "/" + id + "/content", Body: map[string]any{"version": 1, "content": canvas(nil)}},
			apitest.Case{Name: "generate " + id, Method: "POST", Path: diagramsURL + "/" + id + "/generate", Body: map[string]any{"preset": "full_stack"}},
			apitest.Case{Name: "delete " + id, Method: "DELETE", Path: diagramsURL + "/" + id},
		)
	}
	for i := range cases {
		cases[i].Headers, cases[i].Status, cases[i].Code = h, 404, "not_found"
	}
	apitest.Run(t, e.Server.App(), "cross-tenant", cases)

	apitest.Run(t, e.Server.App(), "B's records are not A's", []apitest.Case{
		{Name: "list shows only A's", Method: "GET", Path: diagramsURL, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if body := string(r.Body); strings.Contains(body, diagramB) || strings.Contains(body, "B secret") || !strings.Contains(body, mine.ID.String()) {
				t.Fatalf("A's list: %s", body)
			}
		}},
		{Name: "list by B's site is empty", Method: "GET", Path: diagramsURL + "?site_id=" + siteB.String(), Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			var page httpapi.Page[map[string]any]
			if r.JSON(t, &page); len(page.Items) != 0 {
				t.Fatalf("B's site: %s", r.Body)
			}
		}},
		{Name: "a diagram on B's site", Method: "POST", Path: diagramsURL, Headers: h, Body: map[string]any{"name": "X", "site_id": siteB}, Status: 422, Check: fieldError("site_id", "not_found")},
		{Name: "a preset of B's site", Method: "POST", Path: diagramsURL, Headers: h, Body: map[string]any{"name": "X", "site_id": siteB, "preset": "full_stack"}, Status: 422, Check: fieldError("site_id", "not_found")},
		{Name: "B's asset in A's diagram: no link, shown unlinked", Method: "PUT", Path: diagramsURL + "/" + mine.ID.String() + "/content", Headers: h,
			Body:   map[string]any{"version": 1, "content": canvas([]map[string]any{invNode("theirs", diagrams.KindAsset, assetB), invNode("their site", diagrams.KindSite, siteB)})},
			Status: 200, Check: func(t *testing.T, r *apitest.Response) {
				d := decode(t, r)
				if len(d.UnlinkedNodes) != 2 || d.UnlinkedNodes[0].RecordID != assetB || d.UnlinkedNodes[1].RecordID != siteB {
					t.Fatalf("unlinked: %s", r.Body)
				}
				if links := invA.links(mine.ID); len(links) != 0 {
					t.Fatalf("A's diagram links B's asset: %v", links)
				}
			}},
		{Name: "A's read shows it unlinked too", Method: "GET", Path: diagramsURL + "/" + mine.ID.String(), Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if d := decode(t, r); len(d.UnlinkedNodes) != 2 {
				t.Fatalf("unlinked: %s", r.Body)
			}
		}},
		{Name: "B's diagram is untouched", Method: "GET", Path: diagramsURL + "/" + diagramB, Headers: b.Bearer(), Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if d := decode(t, r); d.Version != 1 || d.Name != "B secret" || len(d.UnlinkedNodes) != 0 {
				t.Fatalf("B's diagram: %s", r.Body)
			}
		}},
	})
}
