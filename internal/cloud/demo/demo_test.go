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
}
