package lab

import (
	"fmt"
	"html"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// serveHTTP is a small web server on device i: a Server banner and one page.
func (l *Lab) serveHTTP(i int, server, title string) error {
	ln, err := net.Listen("tcp", netip.AddrPortFrom(l.addrs[i], uint16(l.ports.HTTP)).String())
	if err != nil {
		return fmt.Errorf("lab: %w (ports below 1024 need root: set a port offset)", err)
	}
	page := fmt.Sprintf("<!doctype html><html><head><title>%s</title></head><body><h1>%s</h1><p>Tank level 72 %%, pump P-301 running.</p></body></html>",
		html.EscapeString(title), html.EscapeString(title))
	srv := &http.Server{
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       idleTimeout,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Server", server)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = fmt.Fprint(w, page)
		}),
	}
	l.onClose(srv.Close)
	l.markUp(i)
	l.wg.Go(func() { _ = srv.Serve(ln) })
	return nil
}
