package mail

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"
)

// Sent is one message the Outbox accepted.
type Sent struct {
	ID      string
	SentAt  time.Time
	Message Message
}

// Outbox is the development Mailer: it delivers nothing, logs every message
// with its text body and keeps the newest ones in memory for the in-app outbox
// page, so invitation and reset links can be followed without a mail server.
// For development only: the log then holds mail contents, one-time links
// included, and the messages are lost on restart.
type Outbox struct {
	log   zerolog.Logger
	limit int

	mu   sync.Mutex
	sent []Sent // oldest first, at most limit
}

// NewOutbox returns an Outbox that keeps the newest limit messages.
// It panics when limit is not positive: that is a wiring mistake.
func NewOutbox(log zerolog.Logger, limit int) *Outbox {
	if limit < 1 {
		panic("mail: outbox limit must be positive")
	}
	return &Outbox{log: log, limit: limit}
}

// Send validates m, logs it and keeps it.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	m.To = slices.Clone(m.To) // the caller may reuse its slice

	o.mu.Lock()
	// Stamped under the lock, so newest first is also latest SentAt first.
	sent := Sent{ID: uuid.NewString(), SentAt: time.Now(), Message: m}
	o.sent = append(o.sent, sent)
	if len(o.sent) > o.limit {
		o.sent = slices.Delete(o.sent, 0, len(o.sent)-o.limit)
	}
	o.mu.Unlock()

	o.log.Info().
		Str("mail_id", sent.ID).
		Strs("to", m.To).
		Str("subject", m.Subject).
		Str("tag", m.Tag).
		Str("text", m.Text).
		Msg("mail kept in the development outbox, not delivered")
	return nil
}

// List returns the kept messages, newest first.
func (o *Outbox) List() []Sent {
	o.mu.Lock()
	defer o.mu.Unlock()
	list := make([]Sent, len(o.sent))
	for i, sent := range o.sent {
		sent.Message.To = slices.Clone(sent.Message.To) // the caller may modify its copy
		list[len(o.sent)-1-i] = sent
	}
	return list
}
