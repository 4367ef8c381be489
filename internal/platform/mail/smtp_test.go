package mail

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	relayUser     = "relay-user"
	relayPassword = "s3cret relay pass"
	sender        = "Monozu <no-reply@monozu.test>"
)

// smtpServer is a real SMTP server on loopback (go-smtp's server package)
// that records what clients send it.
type smtpServer struct {
	port      int
	rcptReply *smtp.SMTPError // refuse every recipient with it; nil accepts

	mu     sync.Mutex
	logins []login
	mails  []receivedMail
}

type login struct {
	username, password string
	overTLS            bool
}

type receivedMail struct {
	from string
	to   []string
	data []byte
}

// startSMTPServer serves SMTP on 127.0.0.1. With serverTLS it offers
// STARTTLS, or speaks TLS from the first byte when implicitTLS is set; AUTH is
// only offered over TLS, as on real relays.
func startSMTPServer(t *testing.T, serverTLS *tls.Config, implicitTLS bool) *smtpServer {
	t.Helper()
	recorder := &smtpServer{}
	server := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{server: recorder, conn: c}, nil
	}))
	server.Domain = "localhost"
	server.AllowInsecureAuth = false
	server.ErrorLog = log.New(io.Discard, "", 0)

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicitTLS {
		listener = tls.NewListener(listener, serverTLS)
	} else {
		server.TLSConfig = serverTLS
	}
	recorder.port = listener.Addr().(*net.TCPAddr).Port
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(func() { _ = server.Close() })
	return recorder
}

func (s *smtpServer) received() ([]login, []receivedMail) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.logins), slices.Clone(s.mails)
}

type smtpSession struct {
	server *smtpServer
	conn   *smtp.Conn
	mail   receivedMail
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		_, overTLS := s.conn.TLSConnectionState()
		s.server.mu.Lock()
		s.server.logins = append(s.server.logins, login{username, password, overTLS})
		s.server.mu.Unlock()
		if username != relayUser || password != relayPassword {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.mail.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.server.rcptReply != nil {
		return s.server.rcptReply
	}
	s.mail.to = append(s.mail.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mail.data = data
	s.server.mu.Lock()
	s.server.mails = append(s.server.mails, s.mail)
	s.server.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset()        { s.mail = receivedMail{} }
func (s *smtpSession) Logout() error { return nil }

// selfSignedTLS makes a certificate for 127.0.0.1 and the pool a client needs
// to trust it.
func selfSignedTLS(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "monozu test relay"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	serverTLS := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}
	return serverTLS, roots
}

func newSMTP(t *testing.T, cfg SMTPConfig) *SMTP {
	t.Helper()
	mailer, err := NewSMTP(cfg)
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	return mailer
}

func TestSMTPStartTLSDeliversAuthenticatedMultipartMessage(t *testing.T) {
	serverTLS, roots := selfSignedTLS(t)
	server := startSMTPServer(t, serverTLS, false)
	mailer := newSMTP(t, SMTPConfig{
		Host: "127.0.0.1", Port: server.port, Username: relayUser, Password: relayPassword,
		From: sender, TLSConfig: &tls.Config{RootCAs: roots},
	})
	m := Message{
		To:      []string{"Ada Lovelace <ada@example.com>", "bob@example.org"},
		Subject: "Einladung für Café ✓ – bitte bestätigen",
		Text: "Hallo Ada,\n\nöffne den Link:\nhttps://monozu.test/invite?token=abc=def&pad=" + strings.Repeat("y", 100) +
			"\n.a line starting with a dot\n",
		HTML: `<p>Hallo Ada, <a href="https://monozu.test/invite?token=abc=def">Einladung annehmen</a> ✓</p>`,
		Tag:  "invitation",
	}

	if err := mailer.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}

	logins, mails := server.received()
	if want := []login{{relayUser, relayPassword, true}}; !slices.Equal(logins, want) {
		t.Errorf("logins = %+v, want %+v", logins, want)
	}
	if len(mails) != 1 {
		t.Fatalf("server received %d mails, want 1", len(mails))
	}
	got := mails[0]
	if got.from != "no-reply@monozu.test" {
		t.Errorf("MAIL FROM = %q, want no-reply@monozu.test", got.from)
	}
	if want := []string{"ada@example.com", "bob@example.org"}; !slices.Equal(got.to, want) {
		t.Errorf("RCPT TO = %q, want %q", got.to, want)
	}
	assertSevenBitClean(t, got.data)

	msg, err := mail.ReadMessage(bytes.NewReader(got.data))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, got.data)
	}
	assertHeaders(t, msg.Header, m)

	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type = %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	for _, want := range []struct{ mediaType, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		part, err := parts.NextRawPart() // raw: NextPart would hide the transfer encoding
		if err != nil {
			t.Fatalf("%s part: %v", want.mediaType, err)
		}
		assertQuotedPrintableBody(t, part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part, want.mediaType, want.body)
	}
	if _, err := parts.NextRawPart(); err != io.EOF {
		t.Errorf("after two parts: %v, want io.EOF", err)
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	serverTLS, roots := selfSignedTLS(t)
	server := startSMTPServer(t, serverTLS, true)
	mailer := newSMTP(t, SMTPConfig{
		Host: "127.0.0.1", Port: server.port, Username: relayUser, Password: relayPassword,
		From: sender, Security: SecurityTLS, TLSConfig: &tls.Config{RootCAs: roots},
	})

	if err := mailer.Send(context.Background(), validMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	logins, mails := server.received()
	if len(logins) != 1 || !logins[0].overTLS || len(mails) != 1 {
		t.Errorf("logins = %+v, %d mails; want one login over TLS and one mail", logins, len(mails))
	}
}

func TestSMTPWithoutEncryption(t *testing.T) {
	t.Run("refused for a remote host", func(t *testing.T) {
		_, err := NewSMTP(SMTPConfig{Host: "smtp.example.com", From: sender, Security: SecurityNone})
		if err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("NewSMTP = %v, want a loopback-only error", err)
		}
	})
	t.Run("refused with credentials", func(t *testing.T) {
		_, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", From: sender, Security: SecurityNone, Username: relayUser, Password: relayPassword})
		if err == nil || !strings.Contains(err.Error(), "credentials") {
			t.Errorf("NewSMTP = %v, want a credentials error", err)
		}
	})
	t.Run("delivers plain text on loopback", func(t *testing.T) {
		server := startSMTPServer(t, nil, false)
		mailer := newSMTP(t, SMTPConfig{Host: "127.0.0.1", Port: server.port, From: sender, Security: SecurityNone})
		m := validMessage()
		m.Text = "Grüße,\nMonozu"

		if err := mailer.Send(context.Background(), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
		_, mails := server.received()
		if len(mails) != 1 {
			t.Fatalf("server received %d mails, want 1", len(mails))
		}
		msg, err := mail.ReadMessage(bytes.NewReader(mails[0].data))
		if err != nil {
			t.Fatal(err)
		}
		assertHeaders(t, msg.Header, m)
		assertQuotedPrintableBody(t, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, "text/plain", m.Text)
	})
}

func TestSMTPNeverSendsCredentialsWithoutTLS(t *testing.T) {
	server := startSMTPServer(t, nil, false) // offers neither STARTTLS nor AUTH
	mailer := newSMTP(t, SMTPConfig{Host: "127.0.0.1", Port: server.port, Username: relayUser, Password: relayPassword, From: sender})

	err := mailer.Send(context.Background(), validMessage())
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("Send = %v, want a STARTTLS error", err)
	}
	if logins, mails := server.received(); len(logins) != 0 || len(mails) != 0 {
		t.Errorf("server saw logins %+v and %d mails, want none", logins, len(mails))
	}
}

func TestSMTPClassifiesFailures(t *testing.T) {
	serverTLS, roots := selfSignedTLS(t)
	cases := []struct {
		name          string
		rcptReply     *smtp.SMTPError
		password      string
		wantTemporary bool
	}{
		{"recipient refused for good", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}, relayPassword, false},
		{"recipient refused for now", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}, relayPassword, true},
		{"wrong password", nil, "wrong password", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			server := startSMTPServer(t, serverTLS, false)
			server.rcptReply = tc.rcptReply
			mailer := newSMTP(t, SMTPConfig{
				Host: "127.0.0.1", Port: server.port, Username: relayUser, Password: tc.password,
				From: sender, TLSConfig: &tls.Config{RootCAs: roots},
			})

			err := mailer.Send(context.Background(), validMessage())
			if err == nil {
				t.Fatal("Send = nil, want an error")
			}
			if IsTemporary(err) != tc.wantTemporary {
				t.Errorf("IsTemporary(%v) = %v, want %v", err, IsTemporary(err), tc.wantTemporary)
			}
			if _, mails := server.received(); len(mails) != 0 {
				t.Errorf("server accepted %d mails, want none", len(mails))
			}
		})
	}

	t.Run("nobody listening", func(t *testing.T) {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := listener.Addr().(*net.TCPAddr).Port
		_ = listener.Close()
		mailer := newSMTP(t, SMTPConfig{Host: "127.0.0.1", Port: port, From: sender})

		if err := mailer.Send(context.Background(), validMessage()); !IsTemporary(err) {
			t.Errorf("Send = %v, want a temporary error", err)
		}
	})

	t.Run("invalid message is refused before connecting", func(t *testing.T) {
		mailer := newSMTP(t, SMTPConfig{Host: "127.0.0.1", Port: 1, From: sender})
		err := mailer.Send(context.Background(), Message{To: []string{"ada@example.com"}, Subject: "a\r\nBcc: x@example.com", Text: "x"})
		if !errors.Is(err, ErrInvalidMessage) || IsTemporary(err) {
			t.Errorf("Send = %v, want a permanent ErrInvalidMessage", err)
		}
	})
}

func TestSMTPStopsWhenTheContextEnds(t *testing.T) {
	// A server that accepts connections and never greets.
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var silent []net.Conn // touched only by the accepting goroutine until it ends
	var accepting sync.WaitGroup
	accepting.Go(func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			silent = append(silent, conn)
		}
	})
	t.Cleanup(func() {
		_ = listener.Close()
		accepting.Wait()
		for _, conn := range silent {
			_ = conn.Close()
		}
	})
	port := listener.Addr().(*net.TCPAddr).Port

	cases := []struct {
		name    string
		timeout time.Duration // SMTPConfig.Timeout
		ctx     func() (context.Context, context.CancelFunc)
	}{
		{"caller deadline", time.Minute, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 100*time.Millisecond)
		}},
		{"configured timeout", 100 * time.Millisecond, func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mailer := newSMTP(t, SMTPConfig{Host: "127.0.0.1", Port: port, From: sender, Timeout: tc.timeout})
			ctx, cancel := tc.ctx()
			defer cancel()

			start := time.Now()
			err := mailer.Send(ctx, validMessage())
			if !errors.Is(err, context.DeadlineExceeded) || !IsTemporary(err) {
				t.Errorf("Send = %v, want a temporary context.DeadlineExceeded", err)
			}
			if elapsed := time.Since(start); elapsed > 10*time.Second {
				t.Errorf("Send took %v after the deadline", elapsed)
			}
		})
	}
}

func TestNewSMTPRefusesBadConfiguration(t *testing.T) {
	cases := []struct {
		name string
		cfg  SMTPConfig
	}{
		{"no host", SMTPConfig{From: sender}},
		{"bad from", SMTPConfig{Host: "smtp.example.com", From: "no-reply"}},
		{"username without password", SMTPConfig{Host: "smtp.example.com", From: sender, Username: relayUser}},
		{"unknown security", SMTPConfig{Host: "smtp.example.com", From: sender, Security: "ssl"}},
		{"port out of range", SMTPConfig{Host: "smtp.example.com", From: sender, Port: 70000}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewSMTP(tc.cfg); err == nil {
				t.Error("NewSMTP = nil error, want one")
			}
		})
	}
}

// assertHeaders checks the headers every message carries.
func assertHeaders(t *testing.T, header mail.Header, m Message) {
	t.Helper()
	subject, err := new(mime.WordDecoder).DecodeHeader(header.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("Subject decodes to %q (%v), want %q", subject, err, m.Subject)
	}
	from, err := header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Monozu" || from[0].Address != "no-reply@monozu.test" {
		t.Errorf("From = %v (%v), want Monozu <no-reply@monozu.test>", from, err)
	}
	to, err := header.AddressList("To")
	if err != nil || len(to) != len(m.To) {
		t.Fatalf("To = %v (%v), want %d addresses", to, err, len(m.To))
	}
	for i, raw := range m.To {
		want, _ := mail.ParseAddress(raw)
		if *to[i] != *want {
			t.Errorf("To[%d] = %v, want %v", i, to[i], want)
		}
	}
	if date, err := header.Date(); err != nil || time.Since(date).Abs() > time.Minute {
		t.Errorf("Date = %v (%v), want about now", date, err)
	}
	if id := header.Get("Message-ID"); !regexp.MustCompile(`^<[A-Z2-7]+@monozu\.test>$`).MatchString(id) {
		t.Errorf("Message-ID = %q, want <random@monozu.test>", id)
	}
	if v := header.Get("MIME-Version"); v != "1.0" {
		t.Errorf("MIME-Version = %q, want 1.0", v)
	}
}

func assertQuotedPrintableBody(t *testing.T, contentType, transferEncoding string, body io.Reader, wantMediaType, want string) {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != wantMediaType || params["charset"] != "utf-8" {
		t.Errorf("Content-Type = %q (%v), want %s; charset=utf-8", contentType, err, wantMediaType)
	}
	if transferEncoding != "quoted-printable" {
		t.Errorf("Content-Transfer-Encoding = %q, want quoted-printable", transferEncoding)
	}
	decoded, err := io.ReadAll(quotedprintable.NewReader(body))
	if err != nil {
		t.Fatalf("decode %s body: %v", wantMediaType, err)
	}
	// SMTP data ends with a line break: the last line may have gained one.
	got := strings.ReplaceAll(string(decoded), "\r\n", "\n")
	if got != want && got != want+"\n" {
		t.Errorf("%s body = %q, want %q", wantMediaType, got, want)
	}
}

// assertSevenBitClean checks that every byte is ASCII and no line passes the
// 998 bytes of RFC 5322, so the message survives any relay.
func assertSevenBitClean(t *testing.T, data []byte) {
	t.Helper()
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if len(line) > 998 {
			t.Errorf("line %d is %d bytes long", i, len(line))
		}
		for _, b := range []byte(line) {
			if b > 127 {
				t.Fatalf("line %d is not 7-bit: %q", i, line)
			}
		}
	}
}
