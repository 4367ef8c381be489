package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/rs/zerolog"
)

func TestOutboxKeepsTheNewestFirstUpToItsLimit(t *testing.T) {
	outbox := NewOutbox(zerolog.Nop(), 3)
	for i := range 5 {
		m := validMessage()
		m.Subject = fmt.Sprintf("mail %d", i)
		if err := outbox.Send(context.Background(), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}

	list := outbox.List()
	var subjects []string
	for _, sent := range list {
		subjects = append(subjects, sent.Message.Subject)
		if sent.ID == "" || sent.SentAt.IsZero() {
			t.Errorf("sent %+v has no ID or SentAt", sent)
		}
	}
	if want := []string{"mail 4", "mail 3", "mail 2"}; fmt.Sprint(subjects) != fmt.Sprint(want) {
		t.Errorf("subjects = %q, want %q", subjects, want)
	}
}

func TestOutboxIsSafeForConcurrentUse(t *testing.T) {
	const senders, each, limit = 8, 50, 100
	outbox := NewOutbox(zerolog.Nop(), limit)

	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for range each {
				if err := outbox.Send(context.Background(), validMessage()); err != nil {
					t.Errorf("Send: %v", err)
				}
				_ = outbox.List()
			}
		})
	}
	wg.Wait()

	list := outbox.List()
	if len(list) != limit {
		t.Fatalf("List has %d messages, want %d", len(list), limit)
	}
	ids := make(map[string]bool)
	for i, sent := range list {
		if ids[sent.ID] {
			t.Errorf("ID %s appears twice", sent.ID)
		}
		ids[sent.ID] = true
		if i > 0 && sent.SentAt.After(list[i-1].SentAt) {
			t.Errorf("message %d is newer than message %d", i, i-1)
		}
	}
}

func TestOutboxCopiesRecipients(t *testing.T) {
	outbox := NewOutbox(zerolog.Nop(), 10)
	m := validMessage()
	if err := outbox.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	m.To[0] = "changed-by-sender@example.com"
	outbox.List()[0].Message.To[0] = "changed-by-reader@example.com"

	if got := outbox.List()[0].Message.To[0]; got != "ada@example.com" {
		t.Errorf("kept recipient = %q, want ada@example.com", got)
	}
}

func TestOutboxLogsTheMessage(t *testing.T) {
	var logged bytes.Buffer
	outbox := NewOutbox(zerolog.New(&logged), 10)
	m := validMessage()
	m.Text = "Open https://monozu.test/invite/abc"

	if err := outbox.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}

	var line map[string]any
	if err := json.Unmarshal(logged.Bytes(), &line); err != nil {
		t.Fatalf("log line %q: %v", logged.String(), err)
	}
	want := map[string]any{"subject": m.Subject, "tag": m.Tag, "text": m.Text, "mail_id": outbox.List()[0].ID}
	for key, value := range want {
		if line[key] != value {
			t.Errorf("log %s = %v, want %v", key, line[key], value)
		}
	}
	if fmt.Sprint(line["to"]) != fmt.Sprint([]any{"ada@example.com"}) {
		t.Errorf("log to = %v, want [ada@example.com]", line["to"])
	}
}

func TestOutboxRefuses(t *testing.T) {
	outbox := NewOutbox(zerolog.Nop(), 10)
	if err := outbox.Send(context.Background(), Message{}); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("Send(empty) = %v, want ErrInvalidMessage", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := outbox.Send(ctx, validMessage()); !errors.Is(err, context.Canceled) {
		t.Errorf("Send(cancelled) = %v, want context.Canceled", err)
	}
	if list := outbox.List(); len(list) != 0 {
		t.Errorf("List has %d messages, want none", len(list))
	}
}
