package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP connection security.
const (
	SecurityStartTLS = "starttls" // plain connection upgraded with STARTTLS before anything else (submission, port 587)
	SecurityTLS      = "tls"      // TLS from the first byte (port 465)
	SecurityNone     = "none"     // no encryption: loopback relays only, never with credentials
)

// DefaultSMTPTimeout bounds one delivery, connection included, when
// SMTPConfig.Timeout is zero.
const DefaultSMTPTimeout = 30 * time.Second

// SMTPConfig configures an SMTP relay.
type SMTPConfig struct {
	Host               string
	Port               int    // default 587 for starttls, 465 for tls, 25 for none
	Username, Password string // both or neither; sent with AUTH PLAIN, only over TLS
	From               string // sender, e.g. "Monozu <no-reply@example.com>"
	Security           string // SecurityStartTLS (default), SecurityTLS or SecurityNone
	Timeout            time.Duration
	TLSConfig          *tls.Config // optional, e.g. to trust a private certificate authority
}

// SMTP sends mail through an SMTP relay, one connection per message: mail
// goes out from jobs at a modest rate, and a fresh connection cannot inherit
// a broken state from an earlier failure.
type SMTP struct {
	addr               string
	security           string
	from               *mail.Address
	username, password string
	timeout            time.Duration
	tlsConfig          *tls.Config
}

// NewSMTP checks cfg and returns a Mailer for it. It refuses configurations
// that would send credentials in clear or mail unencrypted beyond this host.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("smtp: host is required")
	}
	from, err := parseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: from: %w", err)
	}
	if (cfg.Username == "") != (cfg.Password == "") {
		return nil, errors.New("smtp: username and password go together")
	}

	security, defaultPort := cfg.Security, 587
	switch security {
	case "", SecurityStartTLS:
		security = SecurityStartTLS
	case SecurityTLS:
		defaultPort = 465
	case SecurityNone:
		defaultPort = 25
		if !isLoopback(cfg.Host) {
			return nil, fmt.Errorf("smtp: security %q is only allowed for a loopback host, not %q", SecurityNone, cfg.Host)
		}
		if cfg.Username != "" {
			return nil, fmt.Errorf("smtp: refusing to send credentials without encryption (security %q)", SecurityNone)
		}
	default:
		return nil, fmt.Errorf("smtp: security %q is not one of %q, %q, %q", security, SecurityStartTLS, SecurityTLS, SecurityNone)
	}

	port := cfg.Port
	if port == 0 {
		port = defaultPort
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("smtp: port %d is out of range", port)
	}

	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultSMTPTimeout
	}

	tlsConfig := &tls.Config{}
	if cfg.TLSConfig != nil {
		tlsConfig = cfg.TLSConfig.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = cfg.Host
	}
	tlsConfig.MinVersion = max(tlsConfig.MinVersion, tls.VersionTLS12)

	return &SMTP{
		addr:      net.JoinHostPort(cfg.Host, strconv.Itoa(port)),
		security:  security,
		from:      from,
		username:  cfg.Username,
		password:  cfg.Password,
		timeout:   timeout,
		tlsConfig: tlsConfig,
	}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send delivers m to the relay. The relay accepts every recipient or the
// message is not sent at all, so a retry never duplicates part of it.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	to := make([]*mail.Address, len(m.To))
	envelopeTo := make([]string, len(m.To))
	for i, raw := range m.To {
		to[i], _ = parseAddress(raw) // Validate has parsed it already
		envelopeTo[i] = to[i].Address
	}
	body, err := composeMIME(s.from, to, m, time.Now())
	if err != nil {
		return permanent(fmt.Errorf("smtp: compose message: %w", err))
	}

	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	err = s.deliver(ctx, envelopeTo, body)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		// The connection was closed under the client; say why.
		return fmt.Errorf("smtp %s: %w: %v", s.addr, ctx.Err(), err)
	default:
		return fmt.Errorf("smtp %s: %w", s.addr, classifySMTP(err))
	}
}

func (s *SMTP) deliver(ctx context.Context, to []string, body []byte) error {
	conn, err := s.dial(ctx)
	if err != nil {
		return err
	}
	// Closing the connection is the only way to interrupt a blocked read or
	// write when ctx ends; the client's own timeouts know nothing of ctx.
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	var c *smtp.Client
	if s.security == SecurityStartTLS {
		if c, err = smtp.NewClientStartTLS(conn, s.tlsConfig); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	} else {
		c = smtp.NewClient(conn)
	}
	defer func() { _ = c.Close() }()

	// Greet explicitly so that TLS and greeting failures are reported as such
	// rather than as a missing AUTH extension.
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if s.username != "" {
		if err := s.authenticate(c); err != nil {
			return err
		}
	}
	if err := c.SendMail(s.from.Address, to, bytes.NewReader(body)); err != nil {
		return err
	}
	_ = c.Quit() // the relay has accepted the message; a failed goodbye changes nothing
	return nil
}

func (s *SMTP) dial(ctx context.Context) (net.Conn, error) {
	dialer := &net.Dialer{}
	if s.security == SecurityTLS {
		return (&tls.Dialer{NetDialer: dialer, Config: s.tlsConfig}).DialContext(ctx, "tcp", s.addr)
	}
	return dialer.DialContext(ctx, "tcp", s.addr)
}

func (s *SMTP) authenticate(c *smtp.Client) error {
	if _, encrypted := c.TLSConnectionState(); !encrypted {
		return permanent(errors.New("refusing to send credentials over an unencrypted connection"))
	}
	if !c.SupportsAuth(sasl.Plain) {
		return permanent(errors.New("server does not offer AUTH PLAIN"))
	}
	if err := c.Auth(sasl.NewPlainClient("", s.username, s.password)); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	return nil
}

// classifySMTP marks 5xx replies permanent: the server has refused the
// message, a recipient or our credentials for good. 4xx replies and network
// errors stay temporary.
func classifySMTP(err error) error {
	var reply *smtp.SMTPError
	if errors.As(err, &reply) && reply.Code >= 500 {
		return permanent(err)
	}
	return err
}
