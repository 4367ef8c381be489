package realtime

import (
	"errors"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v3"
	"github.com/valyala/fasthttp"

	"github.com/monozu/monozu/internal/platform/errs"
)

// closeGrace is how long the hub waits for a close frame to go out and
// for the client's answer to it.
const closeGrace = time.Second

// client is one connection.
type client struct {
	hub  *Hub
	sub  Subscriber
	send chan *websocket.PreparedMessage

	quit   chan struct{}
	once   sync.Once
	code   int // the close frame to send when quit closes; 0 for none
	reason string
}

// stop ends the connection with a close frame (code 0: without one). Only
// the first call counts; it reports whether it was the one.
func (c *client) stop(code int, reason string) bool {
	first := false
	c.once.Do(func() {
		c.code, c.reason = code, reason
		close(c.quit)
		first = true
	})
	return first
}

// RequireOrigin refuses a browser page from an origin the server does
// not allow (cross-site WebSocket hijacking) before anything else runs, so
// no credential is spent on it. A request without Origin comes from a
// program, which could send any Origin it liked, and is accepted.
func (h *Hub) RequireOrigin() fiber.Handler {
	return func(c fiber.Ctx) error {
		origin := c.Get(fiber.HeaderOrigin)
		if origin != "" && !slices.Contains(h.cfg.AllowOrigins, origin) {
			return errs.New(errs.KindPermissionDenied, "WebSocket connections from this origin are not allowed.").WithCode("origin_not_allowed")
		}
		return c.Next()
	}
}

// Upgrade turns the request into a connection of sub. The HTTP server
// hands the connection over once the handler returns, so nothing of c is
// kept.
func (h *Hub) Upgrade(c fiber.Ctx, sub Subscriber) error {
	ctx := c.RequestCtx()
	if !websocket.FastHTTPIsWebSocketUpgrade(ctx) {
		return errs.New(errs.KindBadRequest, "This endpoint takes WebSocket connections only.").WithCode("websocket_required")
	}
	if sub.Allows == nil {
		sub.Allows = func(string) bool { return false }
	}
	cl := &client{hub: h, sub: sub, send: make(chan *websocket.PreparedMessage, h.cfg.SendQueue), quit: make(chan struct{})}
	var reason error
	u := h.upgrader
	u.Error = func(_ *fasthttp.RequestCtx, _ int, err error) { reason = err }
	if err := u.Upgrade(ctx, cl.run); err != nil {
		if reason == nil {
			reason = err
		}
		return errs.New(errs.KindBadRequest, "Not a valid WebSocket handshake: "+reason.Error()).WithCode("websocket_required")
	}
	return nil
}

// run serves the connection until either side ends it; it is the reader.
func (c *client) run(conn *websocket.Conn) {
	if !c.hub.add(c) {
		_ = conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(CloseGoingAway, "server shutting down"), time.Now().Add(closeGrace))
		return
	}
	defer c.hub.remove(c)
	conn.SetReadLimit(readLimit)
	written := make(chan struct{})
	go func() {
		defer close(written)
		c.write(conn)
	}()
	c.read(conn)
	c.stop(0, "")
	<-written
}

// read consumes what the client sends (pongs, a close frame; anything else
// is ignored) and ends when the connection fails, closes, or a pong is
// late.
func (c *client) read(conn *websocket.Conn) {
	wait := c.hub.cfg.PingInterval + c.hub.cfg.PongTimeout
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(wait)) })
	for {
		if _, _, err := conn.NextReader(); err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				c.stop(ClosePolicyViolation, "no pong in time")
			}
			return
		}
	}
}

// write sends queued messages and pings until the connection stops.
func (c *client) write(conn *websocket.Conn) {
	cfg := c.hub.cfg
	ping := time.NewTicker(cfg.PingInterval)
	defer ping.Stop()
	var expired <-chan time.Time
	if !c.sub.Until.IsZero() {
		t := time.NewTimer(time.Until(c.sub.Until))
		defer t.Stop()
		expired = t.C
	}
	// Ending the reader: it gets closeGrace for the client's answer to a
	// close frame (the hijacked connection's Close is the HTTP server's,
	// after run returns).
	defer func() { _ = conn.SetReadDeadline(time.Now().Add(closeGrace)) }()
	for {
		select {
		case m := <-c.send:
			_ = conn.SetWriteDeadline(time.Now().Add(cfg.WriteTimeout))
			if err := conn.WritePreparedMessage(m); err != nil {
				c.stop(0, "")
				return
			}
		case <-ping.C:
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(cfg.WriteTimeout)); err != nil {
				c.stop(0, "")
				return
			}
		case <-expired:
			c.stop(CloseCredentialsExpired, "credentials expired: reconnect with a new ticket")
		case <-c.quit:
			if c.code != 0 {
				_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(c.code, c.reason), time.Now().Add(closeGrace))
			}
			return
		}
	}
}
