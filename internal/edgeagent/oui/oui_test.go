package oui

import "testing"

func TestLookup(t *testing.T) {
	cases := []struct {
		name, mac, want string
		found           bool
	}{
		{"MA-L with colons", "00:00:BC:12:34:56", "Rockwell Automation", true},
		{"MA-L lower case with dashes", "00-0e-8c-aa-bb-cc", "Siemens AG", true},
		{"MA-L Cisco-style dots", "0030.de01.0203", "WAGO Kontakttechnik GmbH", true},
		{"MA-L without separators", "0080F4010203", "TELEMECANIQUE ELECTRIQUE", true},
		{"MA-M wins over its IEEE MA-L block", "00:55:DA:1F:FF:FF", "KoolPOS Inc.", true},
		{"MA-S wins over its IEEE MA-L block", "00:1B:C5:00:10:01", "OpenRB.com, Direct SIA", true},
		{"unassigned prefix", "02:00:00:00:00:01", "", false},
		{"too short", "00:00:BC:12:34", "", false},
		{"too long", "00:00:BC:12:34:56:78", "", false},
		{"not hex", "00:00:BC:12:34:ZZ", "", false},
		{"empty", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Lookup(c.mac)
			if got != c.want || ok != c.found {
				t.Fatalf("Lookup(%q) = %q, %v; want %q, %v", c.mac, got, ok, c.want, c.found)
			}
		})
	}
}

func TestEmbeddedTable(t *testing.T) {
	if n := Size(); n < 50000 {
		t.Fatalf("embedded table has %d prefixes, want the full IEEE registries (> 50,000)", n)
	}
	if got, want := Source(), "npm oui-data@2.1.9 (IEEE MA-L, MA-M, MA-S)"; got != want {
		t.Fatalf("Source() = %q, want %q", got, want)
	}
}
