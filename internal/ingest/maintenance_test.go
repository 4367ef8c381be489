package ingest_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/ingest"
	"github.com/monozu/monozu/internal/ingest/ingesttest"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/migrations"
)

func TestPartitionMaintenance(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	admin, err := sql.Open("pgx", d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	tenant := uuid.New()
	for _, q := range []string{
		`INSERT INTO tenants (id, account_name, display_name, status) VALUES ('` + tenant.String() + `', 'keeper', 'Keeper', 'active')`,
		`INSERT INTO tenant_settings (tenant_id, ingest_events_retention_days) VALUES ('` + tenant.String() + `', 90)`,
		// An old day's partition, made as the owner like the function makes them.
		`SET ROLE monozu_cloud_owner`,
		`CREATE TABLE ingest_events_20200101 PARTITION OF ingest_events FOR VALUES FROM ('2020-01-01 00:00:00+00') TO ('2020-01-02 00:00:00+00')`,
		`RESET ROLE`,
	} {
		if _, err := admin.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	res, err := ingest.NewMaintenance(d.Platform, zerolog.Nop()).Partitions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.KeepDays != 90 || res.Dropped != 1 {
		t.Fatalf("result %+v, want keep 90 days and the 2020 partition dropped", res)
	}
	ahead := "ingest_events_" + time.Now().UTC().AddDate(0, 0, ingest.PartitionsAhead).Format("20060102")
	var exists, old bool
	if err := admin.QueryRow(`SELECT to_regclass($1) IS NOT NULL, to_regclass('ingest_events_20200101') IS NOT NULL`, ahead).
		Scan(&exists, &old); err != nil {
		t.Fatal(err)
	}
	if !exists || old {
		t.Fatalf("%s exists: %v; the 2020 partition exists: %v", ahead, exists, old)
	}
	var audited int
	if err := admin.QueryRow(`SELECT count(*) FROM platform_audit WHERE operation = 'ingest.partitions'`).Scan(&audited); err != nil || audited != 1 {
		t.Fatalf("platform audit rows %d, %v", audited, err)
	}
}

func TestRetention(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	admin, err := sql.Open("pgx", d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	now := time.Now().UTC()
	short, long := uuid.New(), uuid.New() // 2 days, and the default 30
	devices := map[uuid.UUID]uuid.UUID{short: uuid.New(), long: uuid.New()}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := admin.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for i, tenant := range []uuid.UUID{short, long} {
		exec(`INSERT INTO tenants (id, account_name, display_name, status) VALUES ($1, $2, $2, 'active')`, tenant, []string{"short", "long"}[i])
		_, hash := ingesttest.DeviceKey()
		exec(`INSERT INTO edge_devices (tenant_id, id, name, key_hash) VALUES ($1, $2, 'gw', $3)`, tenant, devices[tenant], hash)
		for _, age := range []time.Duration{5 * 24 * time.Hour, time.Hour} {
			at := now.Add(-age)
			exec(`INSERT INTO ingest_events (tenant_id, id, device_id, ts, kind, data) VALUES ($1, $2, $3, $4, 'log', '{"level": "info", "message": "m"}'),
				($1, $5, $3, $4, 'telemetry', '{"cpu_percent": 5}'), ($1, $6, $3, $4, 'backup_event', '{}')`,
				tenant, uuid.New(), devices[tenant], at, uuid.New(), uuid.New())
		}
	}
	exec(`INSERT INTO tenant_settings (tenant_id, ingest_events_retention_days) VALUES ($1, 2)`, short)

	deleted, err := ingest.NewMaintenance(d.Platform, zerolog.Nop()).Retention(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	if deleted != 3 {
		t.Fatalf("deleted %d rows, want the short tenant's three old events", deleted)
	}
	for tenant, want := range map[uuid.UUID]int{short: 1, long: 2} {
		for table, per := range map[string]int{"ingest_events": 3, "edge_device_logs": 1, "edge_telemetry": 1} {
			var n int
			if err := admin.QueryRow(`SELECT count(*) FROM `+table+` WHERE tenant_id = $1`, tenant).Scan(&n); err != nil || n != want*per {
				t.Errorf("%s of tenant %s: %d rows (%v), want %d", table, tenant, n, err, want*per)
			}
		}
	}
}
