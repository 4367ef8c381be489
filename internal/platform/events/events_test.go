package events_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/events"
	"github.com/monozu/monozu/migrations"
)

func TestPublishIsDeliveredOnlyWithItsCommit(t *testing.T) {
	d, tenant, listener := listening(t, "events")
	ctx := context.Background()
	tctx := auth.WithPrincipal(ctx, auth.System(tenant))
	asset := uuid.New()

	rolledBack := errors.New("roll back")
	err := d.App.InTenant(tctx, func(tx *database.Tx) error {
		if err := events.Publish(tctx, tx, events.Event{Type: "test.dropped", AggregateType: "asset", AggregateID: asset, Payload: map[string]string{"a": "b"}}); err != nil {
			return err
		}
		return rolledBack
	})
	if !errors.Is(err, rolledBack) {
		t.Fatal(err)
	}
	err = d.App.InTenant(tctx, func(tx *database.Tx) error {
		return events.Publish(tctx, tx, events.Event{Type: "test.kept", AggregateType: "asset", AggregateID: asset, Payload: map[string]int{"n": 1}})
	})
	if err != nil {
		t.Fatal(err)
	}

	wait, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	n, err := listener.WaitForNotification(wait)
	if err != nil {
		t.Fatal(err)
	}
	var note events.Notification
	if err := json.Unmarshal([]byte(n.Payload), &note); err != nil {
		t.Fatal(err)
	}
	if note.TenantID != tenant || note.Type != "test.kept" {
		t.Fatalf("notification = %+v, want the committed event of tenant %s", note, tenant)
	}

	var stored []events.Stored
	err = d.App.InTenant(tctx, func(tx *database.Tx) error {
		var err error
		stored, err = events.Since(tctx, tx, 0, "", 10)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0].Type != "test.kept" || stored[0].Seq != note.Seq || string(stored[0].Payload) != `{"n": 1}` {
		t.Fatalf("stored events = %+v, want only the committed one", stored)
	}
}

func TestPublishRefusesANonObjectPayload(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	ctx := auth.WithPrincipal(context.Background(), auth.System(uuid.New()))
	err := d.App.InTenant(ctx, func(tx *database.Tx) error {
		return events.Publish(ctx, tx, events.Event{Type: "x", AggregateType: "asset", AggregateID: uuid.New(), Payload: []int{1}})
	})
	if err == nil {
		t.Fatal("a list payload was accepted")
	}
}

func TestRetentionDropsOnlyOldEvents(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	ctx := context.Background()
	tenant := uuid.New()
	err := d.Platform.InPlatform(ctx, database.Operation{Name: "test.provision", Actor: "test"}, func(tx *database.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tenants (id, account_name, display_name) VALUES ($1, 'old', 'Old')`, tenant)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tctx := auth.WithPrincipal(ctx, auth.System(tenant))
	for range 3 {
		err := d.App.InTenant(tctx, func(tx *database.Tx) error {
			return events.Publish(tctx, tx, events.Event{Type: "test.x", AggregateType: "asset", AggregateID: uuid.New(), Payload: map[string]int{}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	r := events.NewRetention(d.Platform)
	if n, err := r.Run(ctx, time.Now()); err != nil || n != 0 {
		t.Fatalf("fresh events deleted: %d %v", n, err)
	}
	if n, err := r.Run(ctx, time.Now().Add(events.Retained+time.Hour)); err != nil || n != 3 {
		t.Fatalf("old events: deleted %d, %v; want 3", n, err)
	}
}

// listening is a database with one tenant (account) and a connection that
// LISTENs on the event channel.
func listening(t *testing.T, account string) (*dbtest.DB, uuid.UUID, *pgx.Conn) {
	t.Helper()
	d := dbtest.New(t, migrations.Cloud())
	ctx := context.Background()
	tenant := uuid.New()
	err := d.Platform.InPlatform(ctx, database.Operation{Name: "test.provision", Actor: "test"}, func(tx *database.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tenants (id, account_name, display_name) VALUES ($1, $2, $2)`, tenant, account)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	listener, err := pgx.Connect(ctx, d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = listener.Close(context.Background()) })
	if _, err := listener.Exec(ctx, "LISTEN "+events.Channel); err != nil {
		t.Fatal(err)
	}
	return d, tenant, listener
}
