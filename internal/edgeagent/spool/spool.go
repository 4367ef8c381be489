// Package spool is the agent's durable on-disk queue of events waiting for
// upload. Every Append is committed and fsync'd (bbolt) before it returns, and
// an event leaves only through Remove, after the ingestor answered 2xx.
package spool

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/monozu/monozu/internal/edgeagent/event"
)

// DefaultMaxBytes bounds the queue when the configuration says nothing.
const DefaultMaxBytes int64 = 1 << 30

// entryOverhead approximates what one entry costs beyond its JSON (key, index
// entry, page bookkeeping), so many tiny events still count against the bound.
const entryOverhead = 48

var (
	bucketEvents = []byte("events")
	bucketMeta   = []byte("meta")
	metaBytes    = []byte("bytes")
	metaCount    = []byte("count")
	metaDrops    = []byte("drops")
	metaAppended = []byte("appended")
	// One index bucket per drop priority (event.Priority), keyed like events.
	bucketPrio = [][]byte{[]byte("prio0"), []byte("prio1"), []byte("prio2")}
)

// Stats is the queue's depth and what the bound has cost so far.
type Stats struct {
	Events int64 `json:"events"`
	Bytes  int64 `json:"bytes"`
	Drops  int64 `json:"drops"`
	// Appended counts every event ever handed to Append (kept or dropped),
	// committed with it: what the agent produced, for exactly-once checks.
	Appended int64 `json:"appended"`
}

// Item is one queued event: its key for Remove and its JSON as stored.
type Item struct {
	Key []byte
	Raw json.RawMessage
}

// Spool is safe for concurrent use.
type Spool struct {
	db       *bolt.DB
	mu       sync.Mutex
	maxBytes int64
	stats    Stats
	waiting  chan struct{}
}

// Open opens (or creates) the spool file at path. A second process opening
// the same file waits one second for the lock and then fails.
func Open(path string, maxBytes int64) (*Spool, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("open spool %s: %w", path, err)
	}
	s := &Spool{db: db, maxBytes: maxBytes, waiting: make(chan struct{}, 1)}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range append([][]byte{bucketEvents, bucketMeta}, bucketPrio...) {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		s.stats = Stats{Events: getInt(meta, metaCount), Bytes: getInt(meta, metaBytes), Drops: getInt(meta, metaDrops), Appended: getInt(meta, metaAppended)}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("initialise spool: %w", err)
	}
	return s, nil
}

// Close releases the file.
func (s *Spool) Close() error { return s.db.Close() }

// SetMaxBytes changes the bound; it applies from the next Append.
func (s *Spool) SetMaxBytes(n int64) {
	if n <= 0 {
		n = DefaultMaxBytes
	}
	s.mu.Lock()
	s.maxBytes = n
	s.mu.Unlock()
}

// Stats returns the current depth and drop count.
func (s *Spool) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Added is signalled (without blocking) after every Append, so the uploader
// can wake when a full batch is waiting.
func (s *Spool) Added() <-chan struct{} { return s.waiting }

// Append stores events durably, in one transaction. When the bound is
// reached it drops the oldest event of the lowest priority not above the
// incoming one's; when nothing may give way the incoming event is dropped.
// It returns how many events were dropped to make room (or instead).
func (s *Spool) Append(events ...event.Event) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.stats
	err := s.db.Update(func(tx *bolt.Tx) error {
		next = s.stats
		all := tx.Bucket(bucketEvents)
		for _, ev := range events {
			next.Appended++
			raw, err := json.Marshal(ev)
			if err != nil {
				return fmt.Errorf("encode event %s: %w", ev.ID, err)
			}
			size := int64(len(raw) + entryOverhead)
			prio := event.Priority(ev.Kind)
			fits := true
			for next.Bytes+size > s.maxBytes {
				freed, ok, err := dropOldest(tx, prio)
				if err != nil {
					return err
				}
				if !ok {
					fits = false
					break
				}
				next.Bytes -= freed
				next.Events--
				next.Drops++
			}
			if !fits {
				next.Drops++
				continue
			}
			seq, err := all.NextSequence()
			if err != nil {
				return err
			}
			key := makeKey(ev.Timestamp, seq)
			if err := all.Put(key, raw); err != nil {
				return err
			}
			if err := tx.Bucket(bucketPrio[prio]).Put(key, nil); err != nil {
				return err
			}
			next.Bytes += size
			next.Events++
		}
		return putStats(tx, next)
	})
	if err != nil {
		return 0, fmt.Errorf("append to spool: %w", err)
	}
	dropped := int(next.Drops - s.stats.Drops)
	s.stats = next
	select {
	case s.waiting <- struct{}{}:
	default:
	}
	return dropped, nil
}

// dropOldest removes the oldest event whose priority is at most maxPrio,
// lowest priority first, and returns the bytes it freed.
func dropOldest(tx *bolt.Tx, maxPrio int) (int64, bool, error) {
	all := tx.Bucket(bucketEvents)
	for p := 0; p <= maxPrio; p++ {
		idx := tx.Bucket(bucketPrio[p])
		key, _ := idx.Cursor().First()
		if key == nil {
			continue
		}
		key = append([]byte(nil), key...)
		size := int64(len(all.Get(key)) + entryOverhead)
		if err := idx.Delete(key); err != nil {
			return 0, false, err
		}
		if err := all.Delete(key); err != nil {
			return 0, false, err
		}
		return size, true, nil
	}
	return 0, false, nil
}

// Peek returns up to max events in timestamp order (ties in arrival order),
// stopping before maxBytes of JSON would be exceeded (but always at least one).
func (s *Spool) Peek(max, maxBytes int) ([]Item, error) {
	var items []Item
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		total := 0
		for k, v := c.First(); k != nil && len(items) < max; k, v = c.Next() {
			if len(items) > 0 && total+len(v) > maxBytes {
				break
			}
			total += len(v) + 1
			items = append(items, Item{Key: append([]byte(nil), k...), Raw: append(json.RawMessage(nil), v...)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read spool: %w", err)
	}
	return items, nil
}

// Remove deletes delivered (or deliberately discarded) events. Keys that are
// already gone are ignored.
func (s *Spool) Remove(keys [][]byte) error {
	if len(keys) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.stats
	err := s.db.Update(func(tx *bolt.Tx) error {
		next = s.stats
		all := tx.Bucket(bucketEvents)
		for _, key := range keys {
			v := all.Get(key)
			if v == nil {
				continue
			}
			next.Bytes -= int64(len(v) + entryOverhead)
			next.Events--
			if err := all.Delete(key); err != nil {
				return err
			}
			// The key is in exactly one priority index; deleting a missing
			// key is a no-op, cheaper than decoding the event for its kind.
			for _, name := range bucketPrio {
				if err := tx.Bucket(name).Delete(key); err != nil {
					return err
				}
			}
		}
		return putStats(tx, next)
	})
	if err != nil {
		return fmt.Errorf("remove from spool: %w", err)
	}
	s.stats = next
	return nil
}

// ErrCorrupt is returned by Check when an entry does not decode.
var ErrCorrupt = errors.New("spool entry does not decode")

// Check reads every entry and verifies it decodes and that the counters
// match; it is what a test (or an operator) runs after a crash.
func (s *Spool) Check() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEvents).ForEach(func(k, v []byte) error {
			var ev event.Event
			if err := json.Unmarshal(v, &ev); err != nil || ev.ID == "" {
				return fmt.Errorf("%w: key %x", ErrCorrupt, k)
			}
			n++
			return nil
		})
	})
	if err == nil && int64(n) != s.Stats().Events {
		err = fmt.Errorf("%w: %d entries but the counter says %d", ErrCorrupt, n, s.Stats().Events)
	}
	return n, err
}

func makeKey(ts time.Time, seq uint64) []byte {
	key := make([]byte, 16)
	nanos := ts.UnixNano()
	if nanos < 0 {
		nanos = 0
	}
	binary.BigEndian.PutUint64(key, uint64(nanos))
	binary.BigEndian.PutUint64(key[8:], seq)
	return key
}

func getInt(b *bolt.Bucket, key []byte) int64 {
	v := b.Get(key)
	if len(v) != 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(v))
}

func putStats(tx *bolt.Tx, st Stats) error {
	meta := tx.Bucket(bucketMeta)
	for key, val := range map[string]int64{string(metaBytes): st.Bytes, string(metaCount): st.Events, string(metaDrops): st.Drops, string(metaAppended): st.Appended} {
		buf := make([]byte, 8)
		binary.BigEndian.PutUint64(buf, uint64(val))
		if err := meta.Put([]byte(key), buf); err != nil {
			return err
		}
	}
	return nil
}
