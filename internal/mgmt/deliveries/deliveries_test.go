package deliveries_test

import (
	"context"
	"database/sql"
	"net"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/mgmt"
	"github.com/monozu/monozu/internal/mgmt/deliveries"
	"github.com/monozu/monozu/internal/mgmt/mgmttest"
	"github.com/monozu/monozu/internal/mgmt/operators"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// serveCloud serves the Cloud API on addr until the test ends.
func serveCloud(t *testing.T, cloud *cloudtest.Env, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = cloud.Server.ServeListener(ctx, ln); close(done) }()
	t.Cleanup(func() { stop(); <-done })
}

// TestLicencePushSurvivesACloudOutage: the push is made while the Cloud is
// down, fails and is recorded, and lands once the Cloud is back.
func TestLicencePushSurvivesACloudOutage(t *testing.T) {
	cloud := cloudtest.New(t)
	cloudTenant := cloud.Register(t, "pushed-later", "admin@pushed-later.example.com")
	addr := apitest.FreeAddr(t) // nothing listens here yet: the Cloud is down
	m := mgmttest.New(t, func(d *mgmt.Deps) {
		d.CloudAPIURL = "http://" + addr
		d.WebhookSecret = []byte(cloudtest.WebhookSecret)
	})
	admin, err := sql.Open("pgx", m.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	mgmtTenant := uuid.New()
	if _, err := admin.Exec(`INSERT INTO tenants (id, cloud_tenant_id, account_name, organization_name, source, registration)
		VALUES ($1, $2, 'pushed-later', 'Pushed Later', 'self_registered', 'pending')`, mgmtTenant, cloudTenant); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	var deliveryID uuid.UUID
	err = m.DB.App.InGlobal(ctx, func(tx *database.Tx) error {
		var err error
		deliveryID, err = m.Outbox.Enqueue(ctx, tx, mgmtTenant, deliveries.Payload{TenantID: cloudTenant, Status: "active",
			Plan: "standard", Features: []string{"security", "vpn"}, GraceDays: 14})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(45 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	count := func(q string) (n int) {
		if err := admin.QueryRow(q, deliveryID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitFor("a failed attempt", func() bool {
		return count(`SELECT count(*) FROM webhook_attempts WHERE delivery_id = $1 AND status_code IS NULL AND error <> ''`) > 0
	})

	serveCloud(t, cloud, addr) // the Cloud is back
	waitFor("the delivery", func() bool {
		return count(`SELECT count(*) FROM webhook_deliveries WHERE id = $1 AND status = 'delivered'`) == 1
	})
	if n := count(`SELECT count(*) FROM webhook_attempts WHERE delivery_id = $1 AND status_code = 200`); n != 1 {
		t.Fatalf("successful attempts recorded: %d", n)
	}

	s := cloud.Login(t, "admin@pushed-later.example.com")
	var features map[string]bool
	cloud.Do(t, "GET", "/api/v1/me/features", nil, s.Bearer()).JSON(t, &features)
	if !features["security"] || !features["vpn"] || features["backup"] {
		t.Fatalf("features after the push: %v", features)
	}

	// Operators see the log and may deliver again: the Cloud answers that
	// the event is already applied, nothing changes twice.
	op := m.CreateOperator(t, "ops@provider.example.com", operators.RoleAdmin)
	session := m.Login(t, op)
	apitest.Run(t, m.Server.App(), "delivery log", []apitest.Case{
		{Name: "list", Method: "GET", Path: "/api/v1/webhook-deliveries", Headers: session.Bearer(), Status: 200},
		{Name: "detail with attempts", Method: "GET", Path: "/api/v1/webhook-deliveries/" + deliveryID.String(), Headers: session.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				var d struct {
					Status     string `json:"status"`
					AttemptLog []struct {
						StatusCode *int `json:"status_code"`
					} `json:"attempt_log"`
				}
				r.JSON(t, &d)
				if d.Status != "delivered" || len(d.AttemptLog) < 2 {
					t.Fatalf("delivery detail: %s", r.Body)
				}
			}},
		{Name: "redeliver", Method: "POST", Path: "/api/v1/webhook-deliveries/" + deliveryID.String() + "/redeliver", Headers: session.Bearer(), Status: 202},
		{Name: "unknown", Method: "GET", Path: "/api/v1/webhook-deliveries/" + uuid.NewString(), Headers: session.Bearer(), Status: 404},
	})
	waitFor("the redelivery", func() bool {
		return count(`SELECT count(*) FROM webhook_attempts WHERE delivery_id = $1 AND status_code = 200 AND response LIKE '%already_applied%'`) == 1
	})
}
