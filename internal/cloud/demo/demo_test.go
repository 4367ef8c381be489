package demo_test

import (
	"context"
	"testing"

	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/demo"
)

func TestSeedCreatesAnActiveDemoTenantOnce(t *testing.T) {
	e := cloudtest.New(t)
	for i, want := range []bool{true, false} {
		created, err := demo.Seed(context.Background(), e.Services, e.DB.Platform, zerolog.Nop())
		if err != nil || created != want {
			t.Fatalf("seed %d: created %v, err %v", i+1, created, err)
		}
	}
	r := e.Do(t, "POST", "/api/v1/auth/login", map[string]string{"email": demo.AdminEmail, "password": demo.AdminPassword}, nil)
	if r.Status != 200 {
		t.Fatalf("demo admin login: %d %s", r.Status, r.Body)
	}
	s := cloudtest.SessionFrom(t, r)
	var features map[string]bool
	e.Do(t, "GET", "/api/v1/me/features", nil, s.Bearer()).JSON(t, &features)
	if !features["security"] || !features["vpn"] || !features["backup"] {
		t.Fatalf("demo features: %v", features)
	}

	var count struct {
		Items []struct {
			Name string `json:"name"`
		} `json:"items"`
	}
	e.Do(t, "GET", "/api/v1/assets?limit=200", nil, s.Bearer()).JSON(t, &count)
	if len(count.Items) != 60 {
		t.Errorf("demo assets: %d, want 60 (seeded once)", len(count.Items))
	}
	var plc struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	e.Do(t, "GET", "/api/v1/assets?q=rwt-plc-01", nil, s.Bearer()).JSON(t, &plc)
	if len(plc.Items) != 1 {
		t.Fatalf("RWT-PLC-01 found %d times", len(plc.Items))
	}
	var rels struct {
		Items []struct {
			Type string `json:"type"`
		} `json:"items"`
	}
	e.Do(t, "GET", "/api/v1/assets/"+plc.Items[0].ID+"/relationships", nil, s.Bearer()).JSON(t, &rels)
	if len(rels.Items) != 4 { // HMI controls it, SCADA monitors it, it controls a drive and is connected to a switch
		t.Errorf("RWT-PLC-01 relationships: %+v", rels.Items)
	}
	var diagrams struct {
		Items []struct {
			NodeCount int `json:"node_count"`
		} `json:"items"`
	}
	e.Do(t, "GET", "/api/v1/diagrams", nil, s.Bearer()).JSON(t, &diagrams)
	if len(diagrams.Items) != 1 || diagrams.Items[0].NodeCount < 30 {
		t.Errorf("demo diagrams: %+v", diagrams)
	}
}
