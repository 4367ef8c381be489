package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"
)

// Lab is a running simulated network.
type Lab struct {
	opts  Options
	addrs []netip.Addr
	ports Ports

	mu        sync.Mutex
	closers   []func() error
	firmwareA string
	applied   map[Action]bool
	up        []bool // per device index: serving
	conns     map[net.Conn]struct{}
	closed    bool
	wg        sync.WaitGroup
}

// Run serves the lab until ctx ends, applying opts.Script on its timeline. A scripted step that
// fails (its address is taken, say) stops the lab with that error.
func Run(ctx context.Context, opts Options) error {
	l, err := Start(opts)
	if err != nil {
		return err
	}
	defer l.Close()
	failed := make(chan error, len(opts.Script))
	for _, step := range opts.Script {
		t := time.AfterFunc(step.After, func() {
			if err := l.Apply(step.Action); err != nil {
				failed <- fmt.Errorf("lab: script step %s: %w", step.Action, err)
			}
		})
		defer t.Stop()
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-failed:
		return err
	}
}

// Start brings up the lab's devices (not the scripted one) and returns once all listen.
func Start(opts Options) (*Lab, error) {
	addrs, err := opts.addresses()
	if err != nil {
		return nil, err
	}
	if opts.SNMPCommunity == "" {
		opts.SNMPCommunity = "public"
	}
	l := &Lab{opts: opts, addrs: addrs, ports: opts.Ports(), firmwareA: PLCAFirmware, applied: map[Action]bool{}, up: make([]bool, len(addrs)), conns: map[net.Conn]struct{}{}}
	start := []func() error{
		func() error {
			return l.serveModbus(0, func() modbusIdentity { id := plcA; id.revision = l.firmware(); return id })
		},
		func() error { return l.serveModbus(1, func() modbusIdentity { return plcB }) },
		func() error { return l.serveENIP(2) },
		func() error { return l.serveSNMP(3) },
		func() error { return l.serveHTTP(4, hmiServer, hmiTitle) },
	}
	for _, s := range start {
		if err := s(); err != nil {
			l.Close()
			return nil, err
		}
	}
	if err := l.writeNeighbours(); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Apply makes one scripted change; applying an action twice changes nothing more.
func (l *Lab) Apply(a Action) error {
	l.mu.Lock()
	done := l.applied[a]
	l.applied[a] = true
	l.mu.Unlock()
	if done {
		return nil
	}
	switch a {
	case ActionNewDevice:
		if err := l.serveModbus(5, func() modbusIdentity { return plcC }); err != nil {
			return err
		}
		return l.writeNeighbours()
	case ActionFirmwareChange:
		l.mu.Lock()
		l.firmwareA = PLCAFirmwareUpdated
		l.mu.Unlock()
		return nil
	case ActionPortOpen:
		return l.serveHTTP(1, plcBWebServer, "PFC200 Web-based Management")
	default:
		return fmt.Errorf("lab: unknown action %q", a)
	}
}

// Close stops every listener and waits for the connections being served.
func (l *Lab) Close() error {
	l.mu.Lock()
	closers := l.closers
	l.closers = nil
	l.closed = true
	for c := range l.conns {
		c.Close()
	}
	l.mu.Unlock()
	var errs []error
	for _, c := range closers {
		if err := c(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	l.wg.Wait()
	return errors.Join(errs...)
}

func (l *Lab) firmware() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.firmwareA
}

func (l *Lab) onClose(c func() error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		_ = c() // started by an Apply racing Close
		return
	}
	l.closers = append(l.closers, c)
}

func (l *Lab) markUp(i int) {
	l.mu.Lock()
	l.up[i] = true
	l.mu.Unlock()
}

// listenTCP listens on device i's address and serves each connection with handle.
func (l *Lab) listenTCP(i, port int, handle func(net.Conn)) error {
	ln, err := net.Listen("tcp", netip.AddrPortFrom(l.addrs[i], uint16(port)).String())
	if err != nil {
		return fmt.Errorf("lab: %w (ports below 1024 need root: set a port offset)", err)
	}
	l.onClose(ln.Close)
	l.markUp(i)
	l.wg.Go(func() {
		var conns sync.WaitGroup
		defer conns.Wait()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			l.mu.Lock()
			if l.closed {
				c.Close() // accepted while the lab was closing
			}
			l.conns[c] = struct{}{}
			l.mu.Unlock()
			conns.Go(func() {
				defer func() {
					c.Close()
					l.mu.Lock()
					delete(l.conns, c)
					l.mu.Unlock()
				}()
				handle(c)
			})
		}
	})
	return nil
}

// writeNeighbours writes the simulated ARP table of the devices that are up.
func (l *Lab) writeNeighbours() error {
	if l.opts.NeighbourFile == "" {
		return nil
	}
	var b strings.Builder
	b.WriteString("IP address       HW type     Flags       HW address            Mask     Device\n")
	l.mu.Lock()
	for i, up := range l.up {
		if up {
			fmt.Fprintf(&b, "%-16s 0x1         0x2         %s     *        lo\n", l.addrs[i], macs[i])
		}
	}
	l.mu.Unlock()
	tmp := l.opts.NeighbourFile + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, l.opts.NeighbourFile)
}
