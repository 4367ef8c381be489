package events

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
)

// Handler gets one stored event of a tenant. It runs on the listener's
// delivery goroutine, so it must not block (hand the event on).
type Handler func(ctx context.Context, tenantID uuid.UUID, e Stored)

// Listener delivers committed events to subscribers in this process: it
// LISTENs on Channel over a dedicated connection (database/sql cannot) and
// reads the events each notification stands for in the tenant's
// transaction. Notifications that arrive while a read runs are merged, so
// a burst costs a few reads, not one each.
//
// Events committed while the connection is down are not delivered: the
// listener serves live feeds, whose readers can list what they missed.
type Listener struct {
	url string
	db  *database.DB
	log zerolog.Logger

	mu       sync.Mutex
	handlers map[string][]Handler
	pending  map[uuid.UUID][]Span
	wake     chan struct{}

	listening     chan struct{}
	listeningOnce sync.Once
	recent        map[uuid.UUID]*recentSeqs // only the delivery goroutine
}

// Limits of the listener's memory and reads.
const (
	// maxSpans bounds the ranges waiting per tenant; more are merged.
	maxSpans = 64
	// readBatch is how many events one read fetches.
	readBatch = 1000
	// recentSize is how many delivered sequence numbers are remembered per
	// tenant to skip them when a later range covers them again.
	recentSize = 1024
	// recentIdle forgets a tenant's memory after this long without events.
	recentIdle = 5 * time.Minute
	// Reconnection waits double from minBackoff up to maxBackoff.
	minBackoff = 100 * time.Millisecond
	maxBackoff = 10 * time.Second
)

// NewListener listens with the app role's connection URL and reads events
// on db.
func NewListener(url string, db *database.DB, log zerolog.Logger) *Listener {
	return &Listener{url: url, db: db, log: log, handlers: map[string][]Handler{}, pending: map[uuid.UUID][]Span{},
		wake: make(chan struct{}, 1), listening: make(chan struct{}), recent: map[uuid.UUID]*recentSeqs{}}
}

// Subscribe has h called for every committed event of eventType. Call it
// before Run.
func (l *Listener) Subscribe(eventType string, h Handler) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.handlers[eventType] = append(l.handlers[eventType], h)
}

// Listening is closed once the first LISTEN is in place: events committed
// after that reach the subscribers.
func (l *Listener) Listening() <-chan struct{} { return l.listening }

// Run listens and delivers until ctx ends, reconnecting with backoff when
// the connection fails. It returns nil when ctx ends.
func (l *Listener) Run(ctx context.Context) error {
	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		l.deliverLoop(ctx)
	}()
	defer func() { <-delivered }()
	backoff := minBackoff
	for ctx.Err() == nil {
		start := time.Now()
		err := l.listen(ctx)
		if ctx.Err() != nil {
			break
		}
		if time.Since(start) > maxBackoff {
			backoff = minBackoff
		}
		l.log.Warn().Err(err).Dur("retry_in", backoff).Msg("event listener: connection lost")
		wait := backoff/2 + rand.N(backoff/2+1)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		backoff = min(backoff*2, maxBackoff)
	}
	return nil
}

// listen runs one connection until it fails or ctx ends.
func (l *Listener) listen(ctx context.Context) error {
	cfg, err := pgx.ParseConfig(l.url)
	if err != nil {
		return err
	}
	cfg.RuntimeParams["application_name"] = "monozu-listener"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{Channel}.Sanitize()); err != nil {
		return err
	}
	l.listeningOnce.Do(func() { close(l.listening) })
	l.log.Info().Str("channel", Channel).Msg("event listener: listening")
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var note Notification
		if err := json.Unmarshal([]byte(n.Payload), &note); err != nil || note.TenantID == uuid.Nil || note.FromSeq > note.Seq {
			l.log.Warn().Str("payload", clipPayload(n.Payload)).Msg("event listener: malformed notification")
			continue
		}
		l.add(note.TenantID, Span{From: note.FromSeq, To: note.Seq})
	}
}

func clipPayload(s string) string { return s[:min(len(s), 200)] }

// add queues a range of a tenant and wakes the delivery goroutine.
func (l *Listener) add(tenant uuid.UUID, s Span) {
	l.mu.Lock()
	l.pending[tenant] = mergeSpan(l.pending[tenant], s)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// mergeSpan adds s to sorted, disjoint spans, joining overlapping and
// adjacent ones; beyond maxSpans the two closest are joined (reading a few
// events twice, which delivery skips).
func mergeSpan(spans []Span, s Span) []Span {
	spans = append(spans, s)
	slices.SortFunc(spans, func(a, b Span) int { return compareInt(a.From, b.From) })
	out := spans[:1]
	for _, x := range spans[1:] {
		last := &out[len(out)-1]
		if x.From <= last.To+1 {
			last.To = max(last.To, x.To)
			continue
		}
		out = append(out, x)
	}
	for len(out) > maxSpans {
		closest := 0
		for i := 1; i < len(out)-1; i++ {
			if out[i+1].From-out[i].To < out[closest+1].From-out[closest].To {
				closest = i
			}
		}
		out[closest].To = out[closest+1].To
		out = slices.Delete(out, closest+1, closest+2)
	}
	return out
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// deliverLoop reads and delivers what add queued, all tenants' pending
// ranges at a time.
func (l *Listener) deliverLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.wake:
		}
		l.mu.Lock()
		batch := l.pending
		l.pending = map[uuid.UUID][]Span{}
		types := make([]string, 0, len(l.handlers))
		for t := range l.handlers {
			types = append(types, t)
		}
		l.mu.Unlock()
		if len(types) == 0 {
			continue
		}
		failed := false
		for tenant, spans := range batch {
			if err := l.deliver(ctx, tenant, spans, types); err != nil {
				if ctx.Err() != nil {
					return
				}
				l.log.Warn().Err(err).Str("tenant_id", tenant.String()).Msg("event listener: reading events failed; retrying")
				for _, s := range spans {
					l.add(tenant, s)
				}
				failed = true
			}
		}
		l.forgetIdle(time.Now())
		if failed {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}
}

// deliver reads a tenant's events in spans, in its own transaction, and
// hands those not yet delivered to the handlers.
func (l *Listener) deliver(ctx context.Context, tenant uuid.UUID, spans []Span, types []string) error {
	tctx := auth.WithPrincipal(ctx, auth.System(tenant))
	var after int64
	for {
		var batch []Stored
		err := l.db.InTenant(tctx, func(tx *database.Tx) error {
			var err error
			batch, err = Range(tctx, tx, spans, after, types, readBatch)
			return err
		})
		if err != nil {
			return err
		}
		seen := l.recent[tenant]
		if seen == nil {
			seen = &recentSeqs{}
			l.recent[tenant] = seen
		}
		for _, e := range batch {
			if !seen.add(e.Seq) {
				continue
			}
			l.mu.Lock()
			handlers := l.handlers[e.Type]
			l.mu.Unlock()
			for _, h := range handlers {
				l.call(tctx, h, tenant, e)
			}
		}
		if len(batch) < readBatch {
			return nil
		}
		after = batch[len(batch)-1].Seq
	}
}

// call runs a handler, keeping the listener alive if it panics.
func (l *Listener) call(ctx context.Context, h Handler, tenant uuid.UUID, e Stored) {
	defer func() {
		if p := recover(); p != nil {
			l.log.Error().Interface("panic", p).Str("type", e.Type).Msg("event listener: a handler panicked")
		}
	}()
	h(ctx, tenant, e)
}

func (l *Listener) forgetIdle(now time.Time) {
	for tenant, r := range l.recent {
		if now.Sub(r.used) > recentIdle {
			delete(l.recent, tenant)
		}
	}
}

// recentSeqs remembers the last recentSize sequence numbers delivered for a
// tenant, in a ring.
type recentSeqs struct {
	ring [recentSize]int64
	n    int // filled entries
	next int
	used time.Time
}

// add records seq and reports whether it was new.
func (r *recentSeqs) add(seq int64) bool {
	r.used = time.Now()
	for i := range r.n {
		if r.ring[i] == seq {
			return false
		}
	}
	r.ring[r.next] = seq
	r.next = (r.next + 1) % recentSize
	r.n = min(r.n+1, recentSize)
	return true
}
