package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/jobs"
	"github.com/monozu/monozu/migrations"
)

type greetArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	Name     string    `json:"name"`
}

func (greetArgs) Kind() string { return "test_greet" }

type greetWorker struct {
	river.WorkerDefaults[greetArgs]
	done chan string
}

func (w *greetWorker) Work(_ context.Context, j *river.Job[greetArgs]) error {
	w.done <- j.Args.Name
	return nil
}

func TestEnqueueIsTransactional(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	tenantID := uuid.New()
	err := d.Platform.InPlatform(context.Background(), database.Operation{Name: "test", Actor: "test"}, func(tx *database.Tx) error {
		_, err := tx.Exec(context.Background(), `INSERT INTO tenants (id, account_name, display_name) VALUES ($1, 'jobs-test', 'Jobs')`, tenantID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	w := &greetWorker{done: make(chan string, 4)}
	river.AddWorker(workers, w)
	q, err := jobs.New(d.App, jobs.Options{Workers: workers, MaxWorkers: 2, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- q.Run(ctx, 5*time.Second) }()
	defer func() {
		stop()
		if err := <-ran; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	tenantCtx := auth.WithPrincipal(context.Background(), auth.System(tenantID))
	rolledBack := errors.New("change abandoned")
	err = d.App.InTenant(tenantCtx, func(tx *database.Tx) error {
		if err := q.Enqueue(tenantCtx, tx, greetArgs{TenantID: tenantID, Name: "never"}, nil); err != nil {
			return err
		}
		return rolledBack
	})
	if !errors.Is(err, rolledBack) {
		t.Fatal(err)
	}
	err = d.App.InTenant(tenantCtx, func(tx *database.Tx) error {
		return q.Enqueue(tenantCtx, tx, greetArgs{TenantID: tenantID, Name: "committed"}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case name := <-w.done:
		if name != "committed" {
			t.Fatalf("worked %q: a job of a rolled-back transaction ran", name)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the committed job never ran")
	}
	select {
	case name := <-w.done:
		t.Fatalf("unexpected job %q", name)
	case <-time.After(500 * time.Millisecond):
	}
}
