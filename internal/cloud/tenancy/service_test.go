package tenancy_test

import (
	"context"
	"testing"

	"github.com/monozu/monozu/internal/cloud/tenancy"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/migrations"
)

func TestProvisionAndReadBack(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	svc := tenancy.NewService(d.App, d.Platform)
	ctx := context.Background()

	acme, err := svc.Provision(ctx, "test", tenancy.NewTenant{AccountName: " acme-industries ", DisplayName: "ACME Industries"})
	if err != nil {
		t.Fatal(err)
	}
	if acme.Status != tenancy.StatusPending || acme.AccountName != "acme-industries" || acme.Timezone != "UTC" {
		t.Fatalf("provisioned %+v", acme)
	}
	other, err := svc.Provision(ctx, "test", tenancy.NewTenant{AccountName: "globex", DisplayName: "Globex"})
	if err != nil {
		t.Fatal(err)
	}

	asAcme := auth.WithPrincipal(ctx, auth.System(acme.ID))
	got, err := svc.Current(asAcme)
	if err != nil || got.ID != acme.ID {
		t.Fatalf("Current = %+v, %v", got, err)
	}
	st, err := svc.CurrentSettings(asAcme)
	if err != nil || st.AuditRetentionDays != 365 || st.IngestEventsRetentionDays != 30 {
		t.Fatalf("settings = %+v, %v", st, err)
	}
	asOther := auth.WithPrincipal(ctx, auth.System(other.ID))
	if got, _ := svc.Current(asOther); got.ID != other.ID {
		t.Fatalf("the other tenant sees %+v", got)
	}

	found, err := svc.FindByAccountName(ctx, "test", "globex")
	if err != nil || found.ID != other.ID {
		t.Fatalf("FindByAccountName = %+v, %v", found, err)
	}
	if _, err := svc.FindByAccountName(ctx, "test", "initech"); !errs.Is(err, errs.KindNotFound) {
		t.Fatalf("unknown account: want not found, got %v", err)
	}
}

func TestProvisionRefusesBadInput(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	svc := tenancy.NewService(d.App, d.Platform)
	ctx := context.Background()
	if _, err := svc.Provision(ctx, "test", tenancy.NewTenant{AccountName: "taken", DisplayName: "One"}); err != nil {
		t.Fatal(err)
	}
	cases := map[string]tenancy.NewTenant{
		"taken":       {AccountName: "taken", DisplayName: "Two"},
		"upper case":  {AccountName: "Acme", DisplayName: "Acme"},
		"too short":   {AccountName: "ab", DisplayName: "Ab"},
		"hyphen end":  {AccountName: "acme-", DisplayName: "Acme"},
		"no display":  {AccountName: "acme", DisplayName: "  "},
		"underscores": {AccountName: "acme_inc", DisplayName: "Acme"},
	}
	for name, n := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := svc.Provision(ctx, "test", n); !errs.Is(err, errs.KindValidation) {
				t.Fatalf("want a validation error, got %v", err)
			}
		})
	}
}
