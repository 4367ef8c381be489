package migrations_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/migrations"
)

// TestCMDBLookupsStayInTheTenant proves the two index lookups that run
// around row-level security see exactly what the policy would: the
// transaction's tenant, and nothing without one.
func TestCMDBLookupsStayInTheTenant(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	db := adminDB(t, d)
	ctx := context.Background()
	type tenantAssets struct {
		tenant, site, asset uuid.UUID
	}
	seed := func(name string) tenantAssets {
		var ta tenantAssets
		ta.tenant = uuid.New()
		if _, err := db.Exec(`INSERT INTO tenants (id, account_name, display_name) VALUES ($1, $2, $2)`, ta.tenant, name); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`INSERT INTO sites (tenant_id, name) VALUES ($1, 'Plant') RETURNING id`, ta.tenant).Scan(&ta.site); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`INSERT INTO assets (tenant_id, site_id, name, category, type, mac_addresses, ip_addresses, search_text)
			VALUES ($1, $2, 'plc', 'ot', 'plc', '{02:00:00:00:00:01}', '{10.0.0.1}', 'plc shared-name 10.0.0.1') RETURNING id`,
			ta.tenant, ta.site).Scan(&ta.asset); err != nil {
			t.Fatal(err)
		}
		return ta
	}
	a, b := seed("definer-a"), seed("definer-b")

	lookups := func(ctx context.Context, tx *database.Tx, site uuid.UUID) (search, byAddress []uuid.UUID) {
		if err := tx.Select(ctx, &search, `SELECT cmdb_asset_search('%shared-name%', 10)`); err != nil {
			t.Fatal(err)
		}
		if err := tx.Select(ctx, &byAddress, `SELECT cmdb_assets_by_address($1, '{02:00:00:00:00:01}', '{10.0.0.1}')`, site); err != nil {
			t.Fatal(err)
		}
		return search, byAddress
	}
	for _, ta := range []tenantAssets{a, b} {
		tctx := auth.WithPrincipal(ctx, auth.System(ta.tenant))
		err := d.App.InTenant(tctx, func(tx *database.Tx) error {
			search, byAddress := lookups(tctx, tx, ta.site)
			if !slices.Equal(search, []uuid.UUID{ta.asset}) || !slices.Equal(byAddress, []uuid.UUID{ta.asset}) {
				t.Errorf("tenant %s sees search %v, by address %v; want only its asset %s", ta.tenant, search, byAddress, ta.asset)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err := d.App.ReadGlobal(ctx, func(tx *database.Tx) error {
		if search, byAddress := lookups(ctx, tx, a.site); len(search)+len(byAddress) > 0 {
			t.Errorf("without a tenant the lookups returned %v %v", search, byAddress)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
