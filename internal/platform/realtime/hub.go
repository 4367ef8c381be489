// Package realtime is the WebSocket hub of the API (DESIGN.md §6): clients
// of one tenant each, broadcast per tenant and filtered by what a client
// may see, server pings, and a bounded queue per connection so a client
// that falls behind is disconnected instead of slowing the others.
//
// It is built for many idle connections: two goroutines per connection
// (the reader the HTTP server hijacks the connection on, and a writer), a
// small read buffer, write buffers from a shared pool that a connection
// holds only while it writes, and frames encoded once per broadcast.
package realtime

import (
	"sync"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/google/uuid"
	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"
)

// Config shapes the hub. Zero values take the defaults.
type Config struct {
	// AllowOrigins are the browser origins that may connect
	// (httpapi.Config.AllowOrigins); a request without Origin (not a
	// browser) is accepted.
	AllowOrigins []string
	// PingInterval is how often the server pings (30 s); a client whose
	// pong has not come PongTimeout after a ping is disconnected (10 s).
	PingInterval time.Duration
	PongTimeout  time.Duration
	// WriteTimeout bounds one write to a client (10 s).
	WriteTimeout time.Duration
	// SendQueue is how many messages may wait for one client (64); a
	// client with a full queue is disconnected.
	SendQueue int
}

// Defaults of Config.
const (
	DefaultPingInterval = 30 * time.Second
	DefaultPongTimeout  = 10 * time.Second
	DefaultWriteTimeout = 10 * time.Second
	DefaultSendQueue    = 64
)

// Buffer sizes: clients send nothing but pongs and close frames, and the
// feed's messages are small (larger ones are written in several chunks).
const (
	readBufferSize  = 256
	writeBufferSize = 4096
	readLimit       = 512
)

// Close codes of the connections the hub ends (RFC 6455 §7.4).
const (
	CloseGoingAway       = websocket.CloseGoingAway       // the server stops
	ClosePolicyViolation = websocket.ClosePolicyViolation // the client fell behind
	// CloseCredentialsExpired: the credentials the connection was opened
	// with ended; the client reconnects with a fresh ticket.
	CloseCredentialsExpired = 4001
)

// Subscriber is whom a connection serves and what they may see.
type Subscriber struct {
	TenantID uuid.UUID
	// Allows reports whether the subscriber holds a permission; a message
	// reaches only clients that hold its Permission.
	Allows func(permission string) bool
	// Until is when the credentials of the connection end; the hub closes
	// the connection then (zero: never).
	Until time.Time
}

// Message is one text frame for a tenant's clients.
type Message struct {
	// Permission a client must hold to receive it.
	Permission string
	Data       []byte
}

// Hub holds the open connections by tenant.
type Hub struct {
	cfg      Config
	log      zerolog.Logger
	upgrader websocket.FastHTTPUpgrader

	mu      sync.RWMutex
	tenants map[uuid.UUID]map[*client]struct{}
	closed  bool
	wg      sync.WaitGroup

	stats struct {
		sync.Mutex
		Stats
	}
}

// Stats are the hub's counters since it started.
type Stats struct {
	Clients int   // open now
	Dropped int64 // disconnected for falling behind
}

// NewHub makes a hub; Close ends it.
func NewHub(cfg Config, log zerolog.Logger) *Hub {
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = DefaultPingInterval
	}
	if cfg.PongTimeout <= 0 {
		cfg.PongTimeout = DefaultPongTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.SendQueue <= 0 {
		cfg.SendQueue = DefaultSendQueue
	}
	h := &Hub{cfg: cfg, log: log, tenants: map[uuid.UUID]map[*client]struct{}{}}
	h.upgrader = websocket.FastHTTPUpgrader{
		ReadBufferSize: readBufferSize, WriteBufferSize: writeBufferSize,
		WriteBufferPool: &sync.Pool{},
		// Routes check the origin before credentials are spent
		// (RequireOrigin), so the upgrader need not.
		CheckOrigin: func(*fasthttp.RequestCtx) bool { return true },
	}
	return h
}

// Broadcast queues m for every client of tenant that may see it. A client
// whose queue is full is disconnected. It returns how many clients got it.
func (h *Hub) Broadcast(tenant uuid.UUID, m Message) int {
	h.mu.RLock()
	clients := h.tenants[tenant]
	if len(clients) == 0 {
		h.mu.RUnlock()
		return 0
	}
	var frame *websocket.PreparedMessage
	var slow []*client
	sent := 0
	for c := range clients {
		if m.Permission != "" && !c.sub.Allows(m.Permission) {
			continue
		}
		if frame == nil {
			var err error
			if frame, err = websocket.NewPreparedMessage(websocket.TextMessage, m.Data); err != nil {
				h.mu.RUnlock()
				h.log.Error().Err(err).Msg("realtime: preparing a message")
				return 0
			}
		}
		select {
		case c.send <- frame:
			sent++
		default:
			slow = append(slow, c)
		}
	}
	h.mu.RUnlock()
	for _, c := range slow {
		if c.stop(ClosePolicyViolation, "too slow: messages were not read in time") {
			h.stats.Lock()
			h.stats.Dropped++
			h.stats.Unlock()
		}
	}
	return sent
}

// Stats returns the counters.
func (h *Hub) Stats() Stats {
	h.mu.RLock()
	n := 0
	for _, clients := range h.tenants {
		n += len(clients)
	}
	h.mu.RUnlock()
	h.stats.Lock()
	defer h.stats.Unlock()
	s := h.stats.Stats
	s.Clients = n
	return s
}

// Close tells every client the server is going away, waits for their
// connections to end, and refuses new ones.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	var all []*client
	for _, clients := range h.tenants {
		for c := range clients {
			all = append(all, c)
		}
	}
	h.mu.Unlock()
	for _, c := range all {
		c.stop(CloseGoingAway, "server shutting down")
	}
	h.wg.Wait()
}

// add registers c unless the hub is closed.
func (h *Hub) add(c *client) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	clients := h.tenants[c.sub.TenantID]
	if clients == nil {
		clients = map[*client]struct{}{}
		h.tenants[c.sub.TenantID] = clients
	}
	clients[c] = struct{}{}
	h.wg.Add(1)
	return true
}

func (h *Hub) remove(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	clients := h.tenants[c.sub.TenantID]
	delete(clients, c)
	if len(clients) == 0 {
		delete(h.tenants, c.sub.TenantID)
	}
	h.wg.Done()
}
