package cloudlink_test

import (
	"context"
	"net"
	"testing"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/mgmt/cloudlink"
	"github.com/monozu/monozu/internal/platform/errs"
)

const token = "internal-token-internal-token-0123"

// TestProvisionAgainstTheCloud calls the real Cloud API over HTTP.
func TestProvisionAgainstTheCloud(t *testing.T) {
	e := cloudtest.New(t, func(d *cloud.Deps) { d.InternalToken = token })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = e.Server.ServeListener(ctx, ln); close(done) }()
	defer func() { stop(); <-done }()

	c := cloudlink.New("http://"+ln.Addr().String(), token)
	req := cloudlink.Provisioning{TenantID: uuid.New(), AccountName: "made-by-ops", OrganizationName: "Made by Ops",
		AdminEmail: "first@made-by-ops.example.com"}
	out, err := c.Provision(context.Background(), req)
	if err != nil || !out.Created || out.Status != "pending" || out.TenantID != req.TenantID {
		t.Fatalf("provision: %+v, %v", out, err)
	}
	again, err := c.Provision(context.Background(), req)
	if err != nil || again.Created {
		t.Fatalf("retry: %+v, %v", again, err)
	}
	e.WaitForMail(t, "first@made-by-ops.example.com", cloudtest.AppBaseURL+"/invite/")

	clash := req
	clash.TenantID = uuid.New()
	if _, err := c.Provision(context.Background(), clash); !errs.Is(err, errs.KindValidation) {
		t.Fatalf("a taken account name: want a validation error, got %v", err)
	}
	if _, err := cloudlink.New("http://"+ln.Addr().String(), "wrong-token").Provision(context.Background(), req); !errs.Is(err, errs.KindUnavailable) {
		t.Fatalf("a wrong token: want unavailable, got %v", err)
	}
}
