package spool_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/event"
	"github.com/monozu/monozu/internal/edgeagent/spool"
)

// childEnv switches the test binary into the writer child of TestKill9MidWrite.
const childEnv = "EDGEZU_SPOOL_CRASH_CHILD"

// TestMain lets the test binary act as the child process: it appends
// batches forever and prints each id only after Append returned, i.e. after
// the spool acknowledged it durably.
func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		crashChild(dir)
		return
	}
	os.Exit(m.Run())
}

func crashChild(dir string) {
	s, err := spool.Open(filepath.Join(dir, "spool.db"), 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	out := bufio.NewWriter(os.Stdout)
	for {
		batch := make([]event.Event, 5)
		for i := range batch {
			batch[i], _ = event.New(event.KindTelemetry, map[string]any{"cpu_percent": 1.5, "pad": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
		}
		if _, err := s.Append(batch...); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		for _, ev := range batch {
			fmt.Fprintln(out, ev.ID)
		}
		_ = out.Flush()
	}
}

// TestKill9MidWrite kills a writing child with SIGKILL at an arbitrary
// moment (after it acknowledged at least 300 events) and then checks that
// the spool opens, every entry decodes, the counters match, and every id the
// child acknowledged is there.
func TestKill9MidWrite(t *testing.T) {
	for round := range 3 {
		t.Run(fmt.Sprintf("round%d", round), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnv+"="+dir)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			acked := map[string]bool{}
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				acked[sc.Text()] = true
				if len(acked) == 300+round*200 {
					// Killed while it is in the middle of its next Append.
					_ = cmd.Process.Signal(syscall.SIGKILL)
					break
				}
			}
			// Lines still in the pipe were acknowledged before the kill too.
			for sc.Scan() {
				acked[sc.Text()] = true
			}
			err = cmd.Wait()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
				t.Fatalf("child did not die of the signal: %v", err)
			}

			s, err := spool.Open(filepath.Join(dir, "spool.db"), 0)
			if err != nil {
				t.Fatalf("spool does not open after kill -9: %v", err)
			}
			defer func() { _ = s.Close() }()
			n, err := s.Check()
			if err != nil {
				t.Fatalf("spool corrupt after kill -9: %v", err)
			}
			items, err := s.Peek(n+1, 1<<30)
			if err != nil {
				t.Fatal(err)
			}
			present := map[string]bool{}
			for _, it := range items {
				var ev event.Event
				if err := json.Unmarshal(it.Raw, &ev); err != nil {
					t.Fatal(err)
				}
				if present[ev.ID] {
					t.Fatalf("id %s stored twice", ev.ID)
				}
				present[ev.ID] = true
			}
			for id := range acked {
				if !present[id] {
					t.Fatalf("acknowledged event %s lost (%d acknowledged, %d present)", id, len(acked), len(present))
				}
			}
			t.Logf("%d acknowledged, %d present after kill -9", len(acked), len(present))
		})
	}
}

// BenchmarkAppend is the spool's sustained durable write rate, per event,
// in batches of 100 (what discovery and the log shipper produce) and of 1
// (the worst case: one fsync'd transaction per event).
func BenchmarkAppend(b *testing.B) {
	for _, size := range []int{1, 100} {
		b.Run(fmt.Sprintf("batch%d", size), func(b *testing.B) {
			s := open(b, b.TempDir(), 0)
			defer func() { _ = s.Close() }()
			batch := make([]event.Event, size)
			for i := range batch {
				batch[i] = mustEvent(b, event.KindTelemetry, time.Now())
			}
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if _, err := s.Append(batch...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*size)/time.Since(start).Seconds(), "events/s")
		})
	}
}

// BenchmarkRawSegmentBaseline is the floor any segment-file design could
// reach: the same JSON appended to one file with one fsync per batch. The
// ratio of BenchmarkAppend to it is what bbolt's crash safety, ordering
// index and priority buckets cost.
func BenchmarkRawSegmentBaseline(b *testing.B) {
	for _, size := range []int{1, 100} {
		b.Run(fmt.Sprintf("batch%d", size), func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "segment"))
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = f.Close() }()
			var buf []byte
			for range size {
				raw, _ := json.Marshal(mustEvent(b, event.KindTelemetry, time.Now()))
				buf = append(append(buf, raw...), '\n')
			}
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if _, err := f.Write(buf); err != nil {
					b.Fatal(err)
				}
				if err := f.Sync(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*size)/time.Since(start).Seconds(), "events/s")
		})
	}
}
