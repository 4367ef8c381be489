// Package mail sends e-mail through one small interface, Mailer, so that jobs
// do not care whether mail leaves through Resend, an SMTP relay or, in
// development, the in-memory Outbox. Mail is sent from jobs, never inline in a
// request (DESIGN.md §6); IsTemporary tells the job whether to retry.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// Message limits.
const (
	// MaxRecipients keeps one message from turning into a mailing list.
	MaxRecipients = 50
	// MaxSubjectBytes is RFC 5322's line limit; longer subjects are folded at spaces.
	MaxSubjectBytes = 998
	// MaxTagBytes keeps tags usable as log fields and metric labels.
	MaxTagBytes = 64
	// MaxIdempotencyKeyBytes is the longest key Resend accepts.
	MaxIdempotencyKeyBytes = 256
)

// Message is one e-mail. Every recipient sees the whole To list: send one
// message per person when recipients must not see each other.
type Message struct {
	To      []string // at least one, at most MaxRecipients, each accepted by net/mail.ParseAddress
	Subject string   // required, one line
	Text    string   // plain-text body, required: every client can show it
	HTML    string   // optional HTML alternative
	Tag     string   // kind of mail for logs and metrics, e.g. "invitation": letters, digits, '_' and '-'
	// IdempotencyKey is optional: the same key on every retry of one logical
	// mail (a job ID, say) lets providers that support it (Resend) drop the
	// duplicate when an earlier attempt succeeded without us hearing back.
	IdempotencyKey string
}

// Mailer sends messages. Implementations validate the message first, respect
// ctx, and mark failures that a retry cannot fix so IsTemporary is false.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

var (
	_ Mailer = (*SMTP)(nil)
	_ Mailer = (*Resend)(nil)
	_ Mailer = (*Outbox)(nil)
)

// ErrInvalidMessage is wrapped by every error Validate returns.
var ErrInvalidMessage = errors.New("invalid mail message")

// Validate reports every problem with m, each wrapping ErrInvalidMessage.
// Its errors are permanent: sending the same message again cannot succeed.
func (m Message) Validate() error {
	var problems []error
	invalid := func(format string, args ...any) {
		problems = append(problems, fmt.Errorf("%w: "+format, append([]any{ErrInvalidMessage}, args...)...))
	}

	switch {
	case len(m.To) == 0:
		invalid("no recipient")
	case len(m.To) > MaxRecipients:
		invalid("%d recipients, at most %d allowed", len(m.To), MaxRecipients)
	}
	for i, to := range m.To {
		if _, err := parseAddress(to); err != nil {
			invalid("to[%d]: %v", i, err)
		}
	}

	switch {
	case strings.TrimSpace(m.Subject) == "":
		invalid("subject is required")
	case strings.ContainsAny(m.Subject, "\r\n"):
		// A line break would let the subject inject headers of its own.
		invalid("subject contains a line break")
	case len(m.Subject) > MaxSubjectBytes:
		invalid("subject is %d bytes, at most %d allowed", len(m.Subject), MaxSubjectBytes)
	}

	if strings.TrimSpace(m.Text) == "" {
		invalid("text body is required")
	}
	if len(m.Tag) > MaxTagBytes || !onlyTagCharacters(m.Tag) {
		invalid("tag must be at most %d letters, digits, '_' or '-'", MaxTagBytes)
	}
	if len(m.IdempotencyKey) > MaxIdempotencyKeyBytes || !printableASCII(m.IdempotencyKey) {
		invalid("idempotency key must be at most %d printable ASCII characters", MaxIdempotencyKeyBytes)
	}

	if len(problems) == 0 {
		return nil
	}
	return permanent(errors.Join(problems...))
}

// parseAddress accepts exactly one mailbox, with or without a display name;
// lists and groups are refused, so one entry of To is one recipient.
func parseAddress(s string) (*mail.Address, error) {
	addr, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", s, err)
	}
	return addr, nil
}

func onlyTagCharacters(s string) bool {
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'
		if !ok {
			return false
		}
	}
	return true
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// permanentError marks a failure that a retry cannot fix: an invalid message,
// a recipient the server refuses, a request the API rejects.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err: err} }

// IsTemporary reports whether sending again later may succeed. Failures are
// temporary unless known to be permanent, because dropping a mail that a retry
// would have delivered is worse than a retry that fails again: network errors,
// timeouts, cancellation, SMTP 4xx replies, HTTP 429 and 5xx are temporary;
// invalid messages, SMTP 5xx replies and other HTTP 4xx answers are not.
// A nil error is not temporary.
func IsTemporary(err error) bool {
	var p *permanentError
	return err != nil && !errors.As(err, &p)
}
