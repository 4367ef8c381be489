package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func validMessage() Message {
	return Message{
		To:      []string{"ada@example.com"},
		Subject: "Welcome",
		Text:    "Hello",
		Tag:     "invitation",
	}
}

func TestValidateAcceptsAGoodMessage(t *testing.T) {
	m := validMessage()
	m.To = []string{"Ada Lovelace <ada@example.com>", "bob@example.org"}
	m.HTML = "<p>Hello</p>"
	m.IdempotencyKey = "job-42"
	if err := m.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
}

func TestValidateRefuses(t *testing.T) {
	tooMany := make([]string, MaxRecipients+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("user%d@example.com", i)
	}
	cases := []struct {
		name   string
		change func(*Message)
		want   string
	}{
		{"no recipient", func(m *Message) { m.To = nil }, "no recipient"},
		{"too many recipients", func(m *Message) { m.To = tooMany }, "51 recipients"},
		{"address without domain", func(m *Message) { m.To = []string{"ada"} }, "to[0]"},
		{"two addresses in one entry", func(m *Message) { m.To = []string{"a@example.com, b@example.com"} }, "to[0]"},
		{"second address bad", func(m *Message) { m.To = []string{"a@example.com", "not an address"} }, "to[1]"},
		{"empty subject", func(m *Message) { m.Subject = " " }, "subject is required"},
		{"header injection with LF", func(m *Message) { m.Subject = "Hi\nBcc: victim@example.com" }, "line break"},
		{"header injection with CR", func(m *Message) { m.Subject = "Hi\rBcc: victim@example.com" }, "line break"},
		{"subject too long", func(m *Message) { m.Subject = strings.Repeat("a", MaxSubjectBytes+1) }, "999 bytes"},
		{"missing text", func(m *Message) { m.Text = ""; m.HTML = "<p>only html</p>" }, "text body is required"},
		{"tag with spaces", func(m *Message) { m.Tag = "password reset" }, "tag"},
		{"idempotency key with newline", func(m *Message) { m.IdempotencyKey = "a\nb" }, "idempotency key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := validMessage()
			tc.change(&m)
			err := m.Validate()
			if err == nil {
				t.Fatal("Validate() = nil, want an error")
			}
			if !errors.Is(err, ErrInvalidMessage) {
				t.Errorf("error %v does not wrap ErrInvalidMessage", err)
			}
			if IsTemporary(err) {
				t.Errorf("IsTemporary(%v) = true, want false", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	err := Message{Subject: "a\nb"}.Validate()
	for _, want := range []string{"no recipient", "line break", "text body is required"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %q", err, want)
		}
	}
}

func TestIsTemporary(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("connection reset"), true},
		{context.DeadlineExceeded, true},
		{permanent(errors.New("rejected")), false},
		{fmt.Errorf("send: %w", permanent(errors.New("rejected"))), false},
	}
	for _, tc := range cases {
		if got := IsTemporary(tc.err); got != tc.want {
			t.Errorf("IsTemporary(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
