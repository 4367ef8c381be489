package auditlog_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/auditlog"
)

func TestRetentionHonoursEachTenantsSetting(t *testing.T) {
	e := newEnv(t)
	short := e.org(t, "short-memory")
	long := e.org(t, "long-memory")
	if _, err := e.admin.Exec(`UPDATE tenant_settings SET audit_retention_days = 30 WHERE tenant_id = $1`, short.ID); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-100 * 24 * time.Hour)
	for _, o := range []org{short, long} {
		if _, err := e.admin.Exec(`INSERT INTO audit_log (tenant_id, id, at, actor_type, action) VALUES ($1, $2, $3, 'system', 'test.old')`,
			o.ID, uuid.Must(uuid.NewV7()), old); err != nil {
			t.Fatal(err)
		}
	}
	deleted, err := auditlog.NewRetention(e.DB.Platform).Run(context.Background())
	if err != nil || deleted != 1 {
		t.Fatalf("retention deleted %d (err %v), want the one record past 30 days", deleted, err)
	}
	count := func(tenant uuid.UUID) (n int) {
		if err := e.admin.QueryRow(`SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = 'test.old'`, tenant).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count(short.ID) != 0 || count(long.ID) != 1 {
		t.Fatalf("old records left: short %d, long %d", count(short.ID), count(long.ID))
	}
	var recorded int
	if err := e.admin.QueryRow(`SELECT count(*) FROM platform_audit WHERE operation = 'audit.retention'`).Scan(&recorded); err != nil || recorded == 0 {
		t.Fatalf("the platform audit lacks the retention pass (%d, %v)", recorded, err)
	}
}
