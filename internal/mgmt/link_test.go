package mgmt_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/cloud/mgmtlink"
	"github.com/monozu/monozu/internal/mgmt"
	"github.com/monozu/monozu/internal/mgmt/mgmttest"
	"github.com/monozu/monozu/internal/mgmt/operators"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// linked is a Cloud API and a management API talking over real HTTP on
// loopback, as two deployments would.
type linked struct {
	cloud   *cloudtest.Env
	mgmt    *mgmttest.Env
	ops     mgmttest.Session
	mgmtURL string
}

func link(t *testing.T, adjust ...func(*mgmt.Deps)) linked {
	t.Helper()
	cloudLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mgmtLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := cloudtest.New(t, func(d *cloud.Deps) {
		d.InternalToken = mgmttest.InternalToken
		d.ManagementURL = "http://" + mgmtLn.Addr().String()
	})
	m := mgmttest.New(t, append([]func(*mgmt.Deps){func(d *mgmt.Deps) {
		d.CloudAPIURL = "http://" + cloudLn.Addr().String()
		d.WebhookSecret = []byte(cloudtest.WebhookSecret)
	}}, adjust...)...)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = c.Server.ServeListener(ctx, cloudLn); done <- struct{}{} }()
	go func() { _ = m.Server.ServeListener(ctx, mgmtLn); done <- struct{}{} }()
	t.Cleanup(func() { stop(); <-done; <-done })
	op := m.CreateOperator(t, "ops@provider.example.com", operators.RoleAdmin)
	return linked{cloud: c, mgmt: m, ops: m.Login(t, op), mgmtURL: "http://" + mgmtLn.Addr().String()}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var licence = map[string]any{"plan": "standard", "features": []string{"security", "vpn"},
	"limits": map[string]int{"max_assets": 0, "max_devices": 0, "max_users": 0}, "starts_at": "2026-01-01T00:00:00Z", "notes": ""}

// TestSelfRegistrationToActiveTenant: a sign-up on the Cloud reaches the
// operators; approving it with a licence opens the Cloud to the tenant.
func TestSelfRegistrationToActiveTenant(t *testing.T) {
	l := link(t)
	l.cloud.Register(t, "signed-up", "admin@signed-up.example.com")
	var pending struct {
		Items []struct {
			ID          string `json:"id"`
			AccountName string `json:"account_name"`
		} `json:"items"`
	}
	eventually(t, "the registration on the management plane", func() bool {
		l.mgmt.Do(t, "GET", "/api/v1/registrations?status=pending", nil, l.ops.Bearer()).JSON(t, &pending)
		return len(pending.Items) == 1 && pending.Items[0].AccountName == "signed-up"
	})
	apitest.Run(t, l.mgmt.Server.App(), "approve", []apitest.Case{
		{Name: "approve with a licence", Method: "POST", Path: "/api/v1/registrations/" + pending.Items[0].ID + "/approve",
			Headers: l.ops.Bearer(), Body: licence, Status: 200},
	})
	var s cloudtest.Session
	eventually(t, "the tenant to sign in on the Cloud", func() bool {
		r := l.cloud.Do(t, "POST", "/api/v1/auth/login", map[string]string{"email": "admin@signed-up.example.com", "password": cloudtest.Password}, nil)
		if r.Status != 200 {
			return false
		}
		s = cloudtest.SessionFrom(t, r)
		return true
	})
	var features map[string]bool
	l.cloud.Do(t, "GET", "/api/v1/me/features", nil, s.Bearer()).JSON(t, &features)
	if !features["security"] || !features["vpn"] || features["backup"] {
		t.Fatalf("features: %v", features)
	}
}

// TestOperatorCreatedTenant: an operator creates the organisation, the
// Cloud invites its first admin, and a licence activates it.
func TestOperatorCreatedTenant(t *testing.T) {
	l := link(t)
	r := l.mgmt.Do(t, "POST", "/api/v1/tenants", map[string]string{"account_name": "made-here", "organization_name": "Made Here",
		"contact_name": "Mia", "contact_email": "mia@made-here.example.com"}, l.ops.Bearer())
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var created struct {
		Tenant struct {
			ID string `json:"id"`
		} `json:"tenant"`
		ID string `json:"id"`
	}
	r.JSON(t, &created)
	id := created.Tenant.ID
	if id == "" {
		id = created.ID
	}
	invite := l.cloud.WaitForMail(t, "mia@made-here.example.com", cloudtest.AppBaseURL+"/invite/")
	apitest.Run(t, l.mgmt.Server.App(), "licence", []apitest.Case{
		{Name: "assign", Method: "PUT", Path: "/api/v1/tenants/" + id + "/license", Headers: l.ops.Bearer(), Body: licence, Status: 200},
		{Name: "the account name is taken", Method: "POST", Path: "/api/v1/tenants", Headers: l.ops.Bearer(), Status: 409,
			Body: map[string]string{"account_name": "made-here", "organization_name": "Again", "contact_email": "x@made-here.example.com"}},
	})
	accept := map[string]string{"token": strings.TrimPrefix(invite, cloudtest.AppBaseURL+"/invite/"), "password": cloudtest.Password, "display_name": "Mia"}
	eventually(t, "the invitation to be accepted once the tenant is active", func() bool {
		return l.cloud.Do(t, "POST", "/api/v1/auth/invitations/accept", accept, nil).Status == 200
	})
}

// TestResyncCatchesUpOnALostPush: pushes fail (the secrets disagree), so
// the Cloud pulls the licence itself.
func TestResyncCatchesUpOnALostPush(t *testing.T) {
	l := link(t, func(d *mgmt.Deps) { d.WebhookSecret = []byte("a-secret-the-cloud-does-not-share-0123") })
	tenantID := l.cloud.Register(t, "pulled", "admin@pulled.example.com")
	var pending struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	eventually(t, "the registration", func() bool {
		l.mgmt.Do(t, "GET", "/api/v1/registrations?status=pending", nil, l.ops.Bearer()).JSON(t, &pending)
		return len(pending.Items) == 1
	})
	if r := l.mgmt.Do(t, "POST", "/api/v1/registrations/"+pending.Items[0].ID+"/approve", licence, l.ops.Bearer()); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	link := mgmtlink.New(l.cloud.DB.App, nil, l.mgmtURL, mgmttest.InternalToken)
	outcome, err := link.Resync(context.Background(), l.cloud.Services.Licensing, tenantID)
	if err != nil || outcome != licensing.PushApplied {
		t.Fatalf("resync: %s, %v", outcome, err)
	}
	again, err := link.Resync(context.Background(), l.cloud.Services.Licensing, tenantID)
	if err != nil || again != licensing.PushAlreadyApplied {
		t.Fatalf("a second resync: %s, %v", again, err)
	}
	s := l.cloud.Login(t, "admin@pulled.example.com")
	apitest.Run(t, l.cloud.Server.App(), "on demand", []apitest.Case{
		{Name: "an admin pulls the licence", Method: "POST", Path: "/api/v1/settings/licence/refresh", Headers: s.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if !strings.Contains(string(r.Body), `"outcome":"already_applied"`) {
					t.Fatalf("refresh: %s", r.Body)
				}
			}},
	})
}
