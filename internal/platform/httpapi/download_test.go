package httpapi_test

import (
	"testing"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

func TestSpreadsheetSafeQuotesFormulasAndRoundTrips(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+1":                       "'+1",
		"-2+3":                     "'-2+3",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\tcmd":                    "'\tcmd",
		"\rcmd":                    "'\rcmd",
		"Signed in":                "Signed in",
		"a=b":                      "a=b",
		"'quoted'":                 "'quoted'",
		"":                         "",
	} {
		got := httpapi.SpreadsheetSafe(in)
		if got != want {
			t.Errorf("SpreadsheetSafe(%q) = %q, want %q", in, got, want)
		}
		if back := httpapi.FromSpreadsheetSafe(got); back != in {
			t.Errorf("FromSpreadsheetSafe(%q) = %q, want %q back", got, back, in)
		}
	}
}
