package spool_test

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/event"
	"github.com/monozu/monozu/internal/edgeagent/spool"
)

func mustEvent(t testing.TB, kind string, ts time.Time) event.Event {
	t.Helper()
	ev, err := event.New(kind, map[string]any{"pad": "0123456789012345678901234567890123456789"})
	if err != nil {
		t.Fatal(err)
	}
	ev.Timestamp = ts
	return ev
}

func open(t testing.TB, dir string, maxBytes int64) *spool.Spool {
	t.Helper()
	s, err := spool.Open(filepath.Join(dir, "spool.db"), maxBytes)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ids(t testing.TB, s *spool.Spool) []string {
	t.Helper()
	items, err := s.Peek(1<<20, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(items))
	for i, it := range items {
		var ev event.Event
		if err := json.Unmarshal(it.Raw, &ev); err != nil {
			t.Fatal(err)
		}
		out[i] = ev.ID
	}
	return out
}

func TestPeekKeepsTimestampOrderAndRemoveDeletes(t *testing.T) {
	s := open(t, t.TempDir(), 0)
	defer func() { _ = s.Close() }()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	late, early, middle := mustEvent(t, event.KindLog, base.Add(3*time.Second)), mustEvent(t, event.KindTelemetry, base), mustEvent(t, event.KindSecurityAlert, base.Add(time.Second))
	if _, err := s.Append(late, early, middle); err != nil {
		t.Fatal(err)
	}
	got := ids(t, s)
	want := []string{early.ID, middle.ID, late.ID}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("order = %v, want %v", got, want)
	}
	items, err := s.Peek(2, 1<<20)
	if err != nil || len(items) != 2 {
		t.Fatalf("peek 2 = %d, %v", len(items), err)
	}
	if err := s.Remove([][]byte{items[0].Key, items[1].Key}); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, s); len(got) != 1 || got[0] != late.ID {
		t.Fatalf("after remove = %v, want [%s]", got, late.ID)
	}
	if st := s.Stats(); st.Events != 1 || st.Bytes <= 0 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 0)
	ev := mustEvent(t, event.KindLog, time.Now())
	if _, err := s.Append(ev); err != nil {
		t.Fatal(err)
	}
	before := s.Stats()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, 0)
	defer func() { _ = s.Close() }()
	if got := ids(t, s); len(got) != 1 || got[0] != ev.ID {
		t.Fatalf("after reopen = %v", got)
	}
	if s.Stats() != before {
		t.Fatalf("stats after reopen = %+v, want %+v", s.Stats(), before)
	}
}

func TestDropPolicy(t *testing.T) {
	// Size the bound from a real entry so the test does not depend on the
	// overhead constant: room for exactly four events.
	probe := open(t, t.TempDir(), 0)
	if _, err := probe.Append(mustEvent(t, event.KindLog, time.Now())); err != nil {
		t.Fatal(err)
	}
	per := probe.Stats().Bytes
	_ = probe.Close()

	dir := t.TempDir()
	s := open(t, dir, 4*per+per/2)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Second) }
	alert1, tel1, log1, alert2 := mustEvent(t, event.KindSecurityAlert, at(0)), mustEvent(t, event.KindTelemetry, at(1)), mustEvent(t, event.KindLog, at(2)), mustEvent(t, event.KindBackupEvent, at(3))
	if n, err := s.Append(alert1, tel1, log1, alert2); err != nil || n != 0 {
		t.Fatalf("fill: dropped %d, %v", n, err)
	}
	// A new alert pushes out the oldest low-priority event (telemetry), not
	// the older alert.
	alert3 := mustEvent(t, event.KindSecurityAlert, at(4))
	if n, err := s.Append(alert3); err != nil || n != 1 {
		t.Fatalf("alert3: dropped %d, %v", n, err)
	}
	assertIDs(t, ids(t, s), alert1.ID, log1.ID, alert2.ID, alert3.ID)
	// Discovery outranks logs.
	disc := mustEvent(t, event.KindDiscovery, at(5))
	if n, err := s.Append(disc); err != nil || n != 1 {
		t.Fatalf("discovery: dropped %d, %v", n, err)
	}
	assertIDs(t, ids(t, s), alert1.ID, alert2.ID, alert3.ID, disc.ID)
	// Telemetry cannot push out anything of higher priority: it is dropped itself.
	tel2 := mustEvent(t, event.KindTelemetry, at(6))
	if n, err := s.Append(tel2); err != nil || n != 1 {
		t.Fatalf("tel2: dropped %d, %v", n, err)
	}
	assertIDs(t, ids(t, s), alert1.ID, alert2.ID, alert3.ID, disc.ID)
	// Only when nothing lower is left do alerts give way, oldest first.
	alert4, alert5 := mustEvent(t, event.KindSecurityAlert, at(7)), mustEvent(t, event.KindSecurityAlert, at(8))
	if n, err := s.Append(alert4, alert5); err != nil || n != 2 {
		t.Fatalf("alerts: dropped %d, %v", n, err)
	}
	assertIDs(t, ids(t, s), alert2.ID, alert3.ID, alert4.ID, alert5.ID)
	if st := s.Stats(); st.Drops != 5 || st.Events != 4 {
		t.Fatalf("stats = %+v, want 5 drops and 4 events", st)
	}
	_ = s.Close()
	s = open(t, dir, 4*per+per/2)
	defer func() { _ = s.Close() }()
	if st := s.Stats(); st.Drops != 5 {
		t.Fatalf("drops after reopen = %d, want 5", st.Drops)
	}
	if n, err := s.Check(); err != nil || n != 4 {
		t.Fatalf("check = %d, %v", n, err)
	}
}

func assertIDs(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("ids = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ids = %v, want %v", got, want)
		}
	}
}

func TestPeekHonoursByteLimitButReturnsOne(t *testing.T) {
	s := open(t, t.TempDir(), 0)
	defer func() { _ = s.Close() }()
	for range 3 {
		if _, err := s.Append(mustEvent(t, event.KindLog, time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	items, err := s.Peek(10, 1)
	if err != nil || len(items) != 1 {
		t.Fatalf("peek with a tiny byte limit = %d items, %v; want 1", len(items), err)
	}
}

func TestSecondOpenFails(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 0)
	defer func() { _ = s.Close() }()
	if _, err := spool.Open(filepath.Join(dir, "spool.db"), 0); err == nil {
		t.Fatal("a second open of a spool in use succeeded")
	}
}

func TestAppendedCountsEveryEventAcrossReopen(t *testing.T) {
	probe := open(t, t.TempDir(), 0)
	if _, err := probe.Append(mustEvent(t, event.KindLog, time.Now())); err != nil {
		t.Fatal(err)
	}
	per := probe.Stats().Bytes
	_ = probe.Close()

	dir := t.TempDir()
	s := open(t, dir, 2*per+per/2)
	for range 3 { // the third does not fit and is dropped: produced all the same
		if _, err := s.Append(mustEvent(t, event.KindSecurityAlert, time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	items, err := s.Peek(10, 1<<20)
	if err != nil || s.Remove([][]byte{items[0].Key}) != nil {
		t.Fatalf("peek/remove: %v", err)
	}
	if st := s.Stats(); st.Appended != 3 || st.Events != 1 || st.Drops != 1 {
		t.Fatalf("stats = %+v", st)
	}
	_ = s.Close()
	if st := open(t, dir, 2*per+per/2).Stats(); st.Appended != 3 {
		t.Fatalf("after reopen: %+v", st)
	}
}
