package cmdb_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

func TestRelationships(t *testing.T) {
	e := cloudtest.New(t)
	w := newAssetWorld(t, e, "relations")
	plc := w.create(t, w.plc("PLC-1", nil))
	hmi := w.create(t, map[string]any{"name": "HMI-1", "category": "ot", "type": "hmi", "site_id": w.plant2})
	sw := w.create(t, map[string]any{"name": "SW-1", "category": "ot", "type": "industrial_switch", "site_id": w.plant1})
	readOnly := e.UserInGroup(t, w.tenant, "ro@relations.example.com", "read_only")
	rels := func(id uuid.UUID) string { return assetsURL + "/" + id.String() + "/relationships" }

	var controls cmdb.Relationship
	apitest.Run(t, e.Server.App(), "success", []apitest.Case{
		{Name: "hmi controls plc (across sites)", Method: http.MethodPost, Path: rels(hmi.ID), Headers: w.admin.Bearer(),
			Body: map[string]any{"target_asset_id": plc.ID, "type": "controls", "note": "line A"}, Status: http.StatusCreated,
			Check: func(t *testing.T, r *apitest.Response) {
				r.JSON(t, &controls)
				if controls.Direction != "outgoing" || controls.OtherID != plc.ID || controls.OtherName != "PLC-1" || controls.Note != "line A" {
					t.Errorf("relationship = %+v", controls)
				}
			}},
		{Name: "plc connected to switch", Method: http.MethodPost, Path: rels(plc.ID), Headers: w.admin.Bearer(),
			Body: map[string]any{"target_asset_id": sw.ID, "type": "connected_to"}, Status: http.StatusCreated},
		{Name: "shown both ways", Method: http.MethodGet, Path: rels(plc.ID), Headers: readOnly.Bearer(), Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				var out cmdb.Relationships
				r.JSON(t, &out)
				if len(out.Items) != 2 || out.Items[0].Type != "connected_to" || out.Items[0].Direction != "outgoing" ||
					out.Items[1].Type != "controls" || out.Items[1].Direction != "incoming" || out.Items[1].OtherName != "HMI-1" || out.Items[1].OtherSiteName != "Plant 2" {
					t.Errorf("relationships = %+v", out.Items)
				}
			}},
		{Name: "in the asset detail", Method: http.MethodGet, Path: assetsURL + "/" + sw.ID.String(), Headers: readOnly.Bearer(), Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				var d cmdb.AssetDetail
				r.JSON(t, &d)
				if len(d.Relationships) != 1 || d.Relationships[0].Direction != "incoming" || d.Relationships[0].OtherID != plc.ID {
					t.Errorf("relationships = %+v", d.Relationships)
				}
			}},
	})

	apitest.Run(t, e.Server.App(), "refused", []apitest.Case{
		{Name: "self-loop", Method: http.MethodPost, Path: rels(plc.ID), Headers: w.admin.Bearer(),
			Body: map[string]any{"target_asset_id": plc.ID, "type": "depends_on"}, Status: http.StatusUnprocessableEntity, Check: fields("target_asset_id")},
		{Name: "duplicate", Method: http.MethodPost, Path: rels(hmi.ID), Headers: w.admin.Bearer(),
			Body: map[string]any{"target_asset_id": plc.ID, "type": "controls"}, Status: http.StatusConflict, Code: "relationship_exists"},
		{Name: "symmetric duplicate", Method: http.MethodPost, Path: rels(sw.ID), Headers: w.admin.Bearer(),
			Body: map[string]any{"target_asset_id": plc.ID, "type": "connected_to"}, Status: http.StatusConflict, Code: "relationship_exists"},
		{Name: "unknown type and target", Method: http.MethodPost, Path: rels(sw.ID), Headers: w.admin.Bearer(),
			Body: map[string]any{"target_asset_id": uuid.New(), "type": "likes"}, Status: http.StatusUnprocessableEntity, Check: fields("type")},
		{Name: "unknown target", Method: http.MethodPost, Path: rels(sw.ID), Headers: w.admin.Bearer(),
			Body: map[string]any{"target_asset_id": uuid.New(), "type": "monitors"}, Status: http.StatusUnprocessableEntity, Check: fields("target_asset_id")},
		{Name: "read-only", Method: http.MethodPost, Path: rels(sw.ID), Headers: readOnly.Bearer(),
			Body: map[string]any{"target_asset_id": hmi.ID, "type": "monitors"}, Status: http.StatusForbidden},
	})

	other := newAssetWorld(t, e, "relations-other")
	foreign := other.create(t, other.plc("Foreign", nil))
	apitest.Run(t, e.Server.App(), "cross-tenant", []apitest.Case{
		{Name: "their asset's relationships", Method: http.MethodGet, Path: rels(foreign.ID), Headers: w.admin.Bearer(), Status: http.StatusNotFound},
		{Name: "relate their asset", Method: http.MethodPost, Path: rels(foreign.ID), Headers: w.admin.Bearer(),
			Body: map[string]any{"target_asset_id": plc.ID, "type": "monitors"}, Status: http.StatusNotFound},
		{Name: "relate to their asset", Method: http.MethodPost, Path: rels(plc.ID), Headers: w.admin.Bearer(),
			Body: map[string]any{"target_asset_id": foreign.ID, "type": "monitors"}, Status: http.StatusUnprocessableEntity, Check: fields("target_asset_id")},
		{Name: "remove from their asset", Method: http.MethodDelete, Path: rels(foreign.ID) + "/" + controls.ID.String(), Headers: w.admin.Bearer(), Status: http.StatusNotFound},
	})

	apitest.Run(t, e.Server.App(), "remove", []apitest.Case{
		{Name: "from the other end", Method: http.MethodDelete, Path: rels(plc.ID) + "/" + controls.ID.String(), Headers: w.admin.Bearer(), Status: http.StatusNoContent},
		{Name: "twice", Method: http.MethodDelete, Path: rels(plc.ID) + "/" + controls.ID.String(), Headers: w.admin.Bearer(), Status: http.StatusNotFound},
		{Name: "deleting an asset removes its edges", Method: http.MethodDelete, Path: assetsURL + "/" + sw.ID.String(), Headers: w.admin.Bearer(), Status: http.StatusNoContent,
			Check: func(t *testing.T, _ *apitest.Response) {
				r := e.Do(t, http.MethodGet, rels(plc.ID), nil, w.admin.Bearer())
				var out cmdb.Relationships
				r.JSON(t, &out)
				if len(out.Items) != 0 {
					t.Errorf("relationships left: %+v", out.Items)
				}
			}},
	})
}
