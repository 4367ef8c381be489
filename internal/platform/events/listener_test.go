package events_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/events"
	"github.com/monozu/monozu/migrations"
)

type received struct {
	tenant uuid.UUID
	event  events.Stored
}

// startListener runs a listener subscribed to test.a until the test ends.
func startListener(t *testing.T, d *dbtest.DB) <-chan received {
	t.Helper()
	l := events.NewListener(d.AppURL, d.App, zerolog.Nop())
	got := make(chan received, 1000)
	l.Subscribe("test.a", func(_ context.Context, tenant uuid.UUID, e events.Stored) { got <- received{tenant, e} })
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	select {
	case <-l.Listening():
	case <-time.After(15 * time.Second):
		t.Fatal("the listener did not start")
	}
	return got
}

func provision(t *testing.T, d *dbtest.DB, name string) uuid.UUID {
	t.Helper()
	tenant := uuid.New()
	ctx := context.Background()
	err := d.Platform.InPlatform(ctx, database.Operation{Name: "test.provision", Actor: "test"}, func(tx *database.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tenants (id, account_name, display_name) VALUES ($1, $2, $2)`, tenant, name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tenant
}

// publish commits the events in one transaction of tenant (or rolls back).
func publish(t *testing.T, d *dbtest.DB, tenant uuid.UUID, commit bool, evs ...events.Event) {
	t.Helper()
	ctx := auth.WithPrincipal(context.Background(), auth.System(tenant))
	rollback := errors.New("roll back")
	err := d.App.InTenant(ctx, func(tx *database.Tx) error {
		for _, e := range evs {
			if err := events.Publish(ctx, tx, e); err != nil {
				return err
			}
		}
		if !commit {
			return rollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, rollback) {
		t.Fatal(err)
	}
}

func event(typ string, n int) events.Event {
	return events.Event{Type: typ, AggregateType: "asset", AggregateID: uuid.New(), Payload: map[string]int{"n": n}}
}

func next(t *testing.T, got <-chan received) received {
	t.Helper()
	select {
	case r := <-got:
		return r
	case <-time.After(15 * time.Second):
		t.Fatal("no event delivered")
	}
	return received{}
}

func payloadN(t *testing.T, r received) int {
	t.Helper()
	var p struct{ N int }
	if err := json.Unmarshal(r.event.Payload, &p); err != nil {
		t.Fatal(err)
	}
	return p.N
}

func TestListenerDeliversEachCommittedEventOnceToItsSubscribers(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	got := startListener(t, d)
	tenantA, tenantB := provision(t, d, "listen-a"), provision(t, d, "listen-b")

	publish(t, d, tenantA, false, event("test.a", 99))
	publish(t, d, tenantA, true, event("test.a", 1), event("test.b", 98), event("test.a", 2))
	publish(t, d, tenantB, true, event("test.a", 3))
	var seqs []int64
	for want := 1; want <= 3; want++ {
		r := next(t, got)
		n := payloadN(t, r)
		wantTenant := tenantA
		if n == 3 {
			wantTenant = tenantB
		}
		if n != want || r.tenant != wantTenant || r.event.Type != "test.a" {
			t.Fatalf("delivery %d: %+v (n=%d), want n=%d of tenant %s", want, r, n, want, wantTenant)
		}
		seqs = append(seqs, r.event.Seq)
	}

	// A notification whose range covers delivered events again (another
	// replica's batch, a retry) delivers nothing twice.
	admin, err := sql.Open("pgx", d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	note := fmt.Sprintf(`{"tenant_id":%q,"from_seq":%d,"seq":%d,"type":"test.a"}`, tenantA, seqs[0], seqs[1])
	if _, err := admin.Exec(`SELECT pg_notify($1, $2)`, events.Channel, note); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`SELECT pg_notify($1, 'not json')`, events.Channel); err != nil {
		t.Fatal(err)
	}
	publish(t, d, tenantA, true, event("test.a", 4))
	if r := next(t, got); payloadN(t, r) != 4 {
		t.Fatalf("after a repeated range: got n=%d, want the next event (4)", payloadN(t, r))
	}
}

func TestListenerCoalescesABurst(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	got := startListener(t, d)
	tenant := provision(t, d, "burst")
	const n = 500
	evs := make([]events.Event, n)
	for i := range evs {
		evs[i] = event("test.a", i)
	}
	publish(t, d, tenant, true, evs...)
	for i := range n {
		if r := next(t, got); payloadN(t, r) != i {
			t.Fatalf("event %d delivered as %d", i, payloadN(t, r))
		}
	}
	select {
	case r := <-got:
		t.Fatalf("an extra delivery: %+v", r)
	default:
	}
}

func TestListenerReconnects(t *testing.T) {
	d := dbtest.New(t, migrations.Cloud())
	got := startListener(t, d)
	tenant := provision(t, d, "reconnect")
	admin, err := sql.Open("pgx", d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	var killed int
	if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = 'monozu-listener' AND datname = current_database()`).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminated %d listener connections: %v", killed, err)
	}
	// Events committed while it is away are not replayed; keep publishing
	// until one arrives over the new connection.
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; ; i++ {
		publish(t, d, tenant, true, event("test.a", i))
		select {
		case <-got:
			return
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the listener did not come back")
		}
	}
}
