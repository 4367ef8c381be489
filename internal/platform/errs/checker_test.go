package errs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/platform/errs"
)

func TestCheckerCollectsEveryFieldError(t *testing.T) {
	var c errs.Checker
	name, note, long, bad := "  Plant  ", "", strings.Repeat("x", 11), "a\x00b"
	c.Text("name", &name, 10, true)
	c.Text("note", &note, 10, true)
	c.Text("long", &long, 10, false)
	c.Text("bad", &bad, 10, false)
	c.OneOf("status", "gone", []string{"active", "planned"})
	if name != "Plant" {
		t.Errorf("name = %q, want it trimmed", name)
	}
	var got []string
	for _, f := range c.Fields {
		got = append(got, f.Field+"/"+f.Code)
	}
	if want := "note/required long/too_long bad/invalid status/invalid"; strings.Join(got, " ") != want {
		t.Fatalf("fields = %v, want %s", got, want)
	}
	if !errs.Is(c.Err(), errs.KindValidation) {
		t.Fatalf("Err() = %v, want a validation error", c.Err())
	}
	if (&errs.Checker{}).Err() != nil {
		t.Fatal("an empty checker reported an error")
	}
}

func TestCheckerTime(t *testing.T) {
	var c errs.Checker
	if got := c.Time("from", ""); got != nil {
		t.Errorf("an empty time = %v, want nil", got)
	}
	if got := c.Time("from", "2024-03-02T02:00:00.5+02:00"); got == nil || !got.Equal(time.Date(2024, 3, 2, 0, 0, 0, 5e8, time.UTC)) {
		t.Errorf("an RFC 3339 time with offset and fraction = %v", got)
	}
	if len(c.Fields) != 0 {
		t.Fatalf("valid times reported %+v", c.Fields)
	}
	if got := c.Time("to", "2024-03-01"); got != nil || len(c.Fields) != 1 || c.Fields[0].Field != "to" || c.Fields[0].Code != "invalid" {
		t.Fatalf("a date without time = %v with %+v, want nil and one invalid error on to", got, c.Fields)
	}
}
