package events_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/events"
)

func TestPublishManyNotifiesOncePerType(t *testing.T) {
	d, tenant, listener := listening(t, "many")
	ctx := context.Background()
	tctx := auth.WithPrincipal(ctx, auth.System(tenant))
	var batch []events.Event
	for i, typ := range []string{"test.a", "test.a", "test.b", "test.a", "test.b"} {
		batch = append(batch, events.Event{Type: typ, AggregateType: "thing", AggregateID: uuid.New(), Payload: map[string]int{"n": i}})
	}
	var stored []events.Stored
	err := d.App.InTenant(tctx, func(tx *database.Tx) error {
		if err := events.PublishMany(tctx, tx, batch); err != nil {
			return err
		}
		if err := events.PublishMany(tctx, tx, nil); err != nil {
			return err
		}
		var err error
		stored, err = events.Since(tctx, tx, 0, "", 100)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(batch) {
		t.Fatalf("%d events stored, want %d", len(stored), len(batch))
	}
	for i, s := range stored {
		var p map[string]int
		if err := json.Unmarshal(s.Payload, &p); err != nil || s.Type != batch[i].Type || p["n"] != i || s.AggregateID != batch[i].AggregateID {
			t.Fatalf("event %d = %+v (%v), want the batch's order", i, s, err)
		}
	}
	wait, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	got := map[string]events.Notification{}
	for len(got) < 2 {
		n, err := listener.WaitForNotification(wait)
		if err != nil {
			t.Fatalf("notifications so far %v: %v", got, err)
		}
		var note events.Notification
		if err := json.Unmarshal([]byte(n.Payload), &note); err != nil {
			t.Fatal(err)
		}
		if _, dup := got[note.Type]; dup {
			t.Fatalf("a second notification for %s", note.Type)
		}
		got[note.Type] = note
	}
	first := stored[0].Seq
	if a := got["test.a"]; a.TenantID != tenant || a.FromSeq != first || a.Seq != stored[3].Seq {
		t.Fatalf("test.a notification %+v, want %d..%d", a, first, stored[3].Seq)
	}
	if b := got["test.b"]; b.FromSeq != stored[2].Seq || b.Seq != stored[4].Seq {
		t.Fatalf("test.b notification %+v, want %d..%d", b, stored[2].Seq, stored[4].Seq)
	}
}
