package errs_test

import (
	"strings"
	"testing"

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
