package edge

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/migrations"
)

// keyFixture is a tenant with one registered device, written as the
// superuser so the test depends only on the schema.
type keyFixture struct {
	admin    *sql.DB
	tenantID uuid.UUID
	deviceID uuid.UUID
	key      string
}

func newKeyFixture(t *testing.T, d *dbtest.DB, account string) keyFixture {
	t.Helper()
	admin, err := sql.Open("pgx", d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	f := keyFixture{admin: admin, tenantID: uuid.New(), deviceID: uuid.New()}
	var hash []byte
	f.key, hash, _ = newSecretKey(deviceKeyPrefix)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO tenants (id, account_name, display_name, status) VALUES ($1, $2, $2, 'active')`, []any{f.tenantID, account}},
		{`INSERT INTO edge_devices (tenant_id, id, name, key_hash) VALUES ($1, $2, 'gateway', $3)`, []any{f.tenantID, f.deviceID, hash}},
	} {
		if _, err := admin.Exec(q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	return f
}

func (f keyFixture) exec(t *testing.T, q string) {
	t.Helper()
	if _, err := f.admin.Exec(q, f.tenantID, f.deviceID); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestDeviceKeys(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	f := newKeyFixture(t, d, "acme")
	other := newKeyFixture(t, d, "globex")
	ctx := context.Background()
	clock := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	keys := NewDeviceKeys(d.App)
	keys.now = func() time.Time { return clock }

	got, err := keys.Authenticate(ctx, f.key)
	if err != nil || got.TenantID != f.tenantID || got.DeviceID != f.deviceID || got.SiteID != nil {
		t.Fatalf("Authenticate(valid) = %+v, %v; want tenant %s device %s", got, err, f.tenantID, f.deviceID)
	}
	if got, err := keys.Authenticate(ctx, other.key); err != nil || got.TenantID != other.tenantID {
		t.Fatalf("the other tenant's device = %+v, %v", got, err)
	}
	for name, key := range map[string]string{
		"empty": "", "no prefix": "abc", "unknown": "dvc_" + uuid.NewString(), "other kind": "prov_" + f.key[4:],
		"too long": "dvc_" + string(make([]byte, 200)),
	} {
		if _, err := keys.Authenticate(ctx, key); !errs.Is(err, errs.KindUnauthenticated) {
			t.Errorf("%s key: err = %v, want unauthenticated", name, err)
		}
	}

	t.Run("a deregistered key is refused once forgotten or after the TTL", func(t *testing.T) {
		f.exec(t, `UPDATE edge_devices SET key_hash = NULL, deregistered_at = now() WHERE tenant_id = $1 AND id = $2`)
		if _, err := keys.Authenticate(ctx, f.key); err != nil {
			t.Fatalf("within the TTL the cached answer stands, got %v", err)
		}
		clock = clock.Add(DeviceKeyTTL + time.Millisecond)
		if _, err := keys.Authenticate(ctx, f.key); !errs.Is(err, errs.KindUnauthenticated) {
			t.Fatalf("after the TTL: err = %v, want unauthenticated", err)
		}
		if _, err := keys.Authenticate(ctx, other.key); err != nil {
			t.Fatalf("another device is unaffected: %v", err)
		}
		other.exec(t, `UPDATE edge_devices SET key_hash = NULL, deregistered_at = now() WHERE tenant_id = $1 AND id = $2`)
		keys.Forget(other.deviceID)
		if _, err := keys.Authenticate(ctx, other.key); !errs.Is(err, errs.KindUnauthenticated) {
			t.Fatalf("after Forget: err = %v, want unauthenticated", err)
		}
	})

	t.Run("a suspended tenant's device is refused with 403", func(t *testing.T) {
		s := newKeyFixture(t, d, "initech")
		s.exec(t, `UPDATE tenants SET status = 'suspended' WHERE id = $1 AND $2::uuid IS NOT NULL`)
		if _, err := keys.Authenticate(ctx, s.key); !errs.Is(err, errs.KindPermissionDenied) {
			t.Fatalf("err = %v, want permission denied (tenant_suspended)", err)
		}
	})
}

func TestLastSeenWritesTheLatestSighting(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	f := newKeyFixture(t, d, "acme")
	ctx := context.Background()
	seen := NewLastSeen(d.App, zerolog.Nop())
	id := DeviceIdentity{TenantID: f.tenantID, DeviceID: f.deviceID}
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

	read := func() (time.Time, string) {
		t.Helper()
		var at time.Time
		var ip sql.NullString
		if err := f.admin.QueryRow(`SELECT last_seen_at, host(last_seen_ip) FROM edge_devices WHERE tenant_id = $1 AND id = $2`,
			f.tenantID, f.deviceID).Scan(&at, &ip); err != nil {
			t.Fatal(err)
		}
		return at.UTC(), ip.String
	}

	seen.Touch(id, "192.0.2.10", t0)
	seen.Touch(id, "192.0.2.11", t0.Add(2*time.Second))
	seen.Touch(id, "192.0.2.12", t0.Add(time.Second)) // older than the latest: ignored
	if err := seen.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if at, ip := read(); !at.Equal(t0.Add(2*time.Second)) || ip != "192.0.2.11" {
		t.Fatalf("last seen = %s from %q, want %s from 192.0.2.11", at, ip, t0.Add(2*time.Second))
	}

	seen.Touch(id, "not an address", t0) // older than what is stored: the row keeps the newer time
	if err := seen.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if at, ip := read(); !at.Equal(t0.Add(2*time.Second)) || ip != "192.0.2.11" {
		t.Fatalf("an older sighting moved last seen to %s from %q", at, ip)
	}
}
