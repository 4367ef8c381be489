package auditlog

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/platform/errs"
)

func TestFilterValidation(t *testing.T) {
	early := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	late := early.Add(time.Hour)
	cases := []struct {
		name   string
		filter Filter
		fields []string
	}{
		{"empty matches everything", Filter{}, nil},
		{"exact action", Filter{Action: "auth.login_failed"}, nil},
		{"prefix", Filter{Action: "auth.*"}, nil},
		{"nested prefix", Filter{Action: "settings.groups.*"}, nil},
		{"time range", Filter{From: &early, To: &late}, nil},
		{"star alone", Filter{Action: "*"}, []string{"action"}},
		{"star without a dot", Filter{Action: "auth*"}, []string{"action"}},
		{"star inside", Filter{Action: "auth.*.x"}, []string{"action"}},
		{"two stars", Filter{Action: "auth.*.*"}, []string{"action"}},
		{"dot star alone", Filter{Action: ".*"}, []string{"action"}},
		{"action too long", Filter{Action: strings.Repeat("a", maxActionLen+1)}, []string{"action"}},
		{"resource id too long", Filter{ResourceID: strings.Repeat("r", maxResourceIDLen+1)}, []string{"resource_id"}},
		{"NUL", Filter{ResourceType: "user\x00"}, []string{"resource_type"}},
		{"invalid UTF-8", Filter{ResourceID: "\xff"}, []string{"resource_id"}},
		{"empty range", Filter{From: &late, To: &late}, []string{"to"}},
		{"reversed range", Filter{From: &late, To: &early}, []string{"to"}},
		{"every problem at once", Filter{Action: "*", ResourceType: "\xff", From: &late, To: &early}, []string{"action", "resource_type", "to"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var fields []string
			for _, p := range tc.filter.problems() {
				fields = append(fields, p.Field)
			}
			if !slices.Equal(fields, tc.fields) {
				t.Fatalf("invalid fields %v, want %v", fields, tc.fields)
			}
			if err := tc.filter.Validate(); (err == nil) != (tc.fields == nil) || (err != nil && !errs.Is(err, errs.KindValidation)) {
				t.Fatalf("Validate() = %v", err)
			}
		})
	}
}

func TestActionPrefix(t *testing.T) {
	for action, want := range map[string]string{"auth.*": "auth.", "settings.groups.*": "settings.groups.", "auth.login": "", "": ""} {
		got, ok := Filter{Action: action}.actionPrefix()
		if got != want || ok != (want != "") {
			t.Errorf("actionPrefix(%q) = %q, %v; want %q", action, got, ok, want)
		}
	}
}

func TestCappedRefusesTheEntryPastTheCap(t *testing.T) {
	var passed int
	emit := capped(2, func(Entry) error { passed++; return nil })
	for range 2 {
		if err := emit(Entry{}); err != nil {
			t.Fatal(err)
		}
	}
	err := emit(Entry{})
	var typed *errs.Error
	if !errors.As(err, &typed) || typed.Code != "export_too_large" || passed != 2 {
		t.Fatalf("third entry: %v (passed %d)", err, passed)
	}
}
