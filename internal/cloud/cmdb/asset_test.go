package cmdb

import (
	"slices"
	"testing"

	"github.com/google/uuid"
)

func TestCanonicalCPE(t *testing.T) {
	for _, good := range []string{
		"cpe:2.3:o:siemens:simatic_s7-1500_firmware:2.9.4:*:*:*:*:*:*:*",
		"cpe:2.3:h:siemens:simatic_s7-1500:-:*:*:*:*:*:*:*",
		"cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
		`cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*`,
		`cpe:2.3:a:foo\\bar:big\$money_manager_2010:*:*:*:*:special:ipod_touch:80gb:*`,
		"cpe:2.3:a:vendor:product:1.*:*:en-us:*:*:*:*:*",
	} {
		if _, err := canonicalCPE(good); err != nil {
			t.Errorf("%s refused: %v", good, err)
		}
	}
	for _, bad := range []string{
		"cpe:/o:siemens:simatic",                          // CPE 2.2 URI
		"cpe:2.3:x:siemens:simatic:1:*:*:*:*:*:*:*",       // part
		"cpe:2.3:o:siemens:simatic:1:*:*:*:*:*:*",         // a component short
		"cpe:2.3:o:siemens:sim atic:1:*:*:*:*:*:*:*",      // unescaped space
		"cpe:2.3:o:siemens:simatic:1:*:*:english:*:*:*:*", // language
	} {
		if _, err := canonicalCPE(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestSuggestedCPEsAreValid(t *testing.T) {
	for _, s := range suggestCPEs("Rockwell Automation", "1756-L83E ControlLogix", "33.011 (beta)", "") {
		if _, err := canonicalCPE(s.CPE); err != nil {
			t.Errorf("suggestion %s is not valid: %v", s.CPE, err)
		}
	}
	if got := suggestCPEs("", "x", "1", ""); len(got) != 0 {
		t.Errorf("suggestions without a vendor: %v", got)
	}
	if got := suggestCPEs("microsoft", "", "", "Windows Server 2022"); len(got) != 1 || got[0].CPE != "cpe:2.3:o:microsoft:windows_server_2022:*:*:*:*:*:*:*:*" {
		t.Errorf("OS suggestion = %v", got)
	}
}

func TestSearchPatterns(t *testing.T) {
	for in, want := range map[string][]string{
		"Valve":             {"%valve%"},
		"50%_off\\":         {`%50\%\_off\\%`},
		"001B.1BAA.BB01":    {"%00:1b:1b:aa:bb:01%"},
		"00-1B-1B":          {"%00-1b-1b%", "%00:1b:1b%"},
		"00-1b-1b-aa-bb":    {"%00-1b-1b-aa-bb%", "%00:1b:1b:aa:bb%"},
		"line-a":            {"%line-a%"},
		"00-1b-1b-aa-bb-0x": {"%00-1b-1b-aa-bb-0x%"},
	} {
		if got := searchPatterns(in); !slices.Equal(got, want) {
			t.Errorf("searchPatterns(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalMAC(t *testing.T) {
	for in, want := range map[string]string{
		"00:1B:1B:AA:BB:01": "00:1b:1b:aa:bb:01",
		"00-1b-1b-aa-bb-01": "00:1b:1b:aa:bb:01",
		"001b.1baa.bb01":    "00:1b:1b:aa:bb:01",
		"001B1BAABB01":      "00:1b:1b:aa:bb:01",
	} {
		if got, err := canonicalMAC(in); err != nil || got != want {
			t.Errorf("canonicalMAC(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"00:1b:1b", "00:1b:1b:aa:bb:01:02:03", "zz:1b:1b:aa:bb:01", "plc"} {
		if _, err := canonicalMAC(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestVLANRefRoundTrip(t *testing.T) {
	for _, v := range []vlanPlacement{
		{Number: 10, ZoneName: "Control", SiteName: "Plant 1"},
		{Number: 20, ZoneName: "A/B;C", SiteName: `Back\slash`},
		{Number: 30},
		{Number: 4094, ZoneName: "No site"},
	} {
		ref := vlanRef(v)
		cells := splitCSVList(ref + ";" + ref)
		if len(cells) != 2 {
			t.Fatalf("%q split into %q", ref, cells)
		}
		site, zone, number, err := parseVLANRef(cells[1])
		if err != nil || site != v.SiteName || zone != v.ZoneName || number != v.Number {
			t.Errorf("%q → %q %q %d %v; want %+v", ref, site, zone, number, err, v)
		}
	}
	for _, bad := range []string{"Plant/10", "a/b/c/10", "a/b/0", "a/b/x"} {
		if _, _, _, err := parseVLANRef(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestAssetPatchKeepsWhatItDoesNotName(t *testing.T) {
	vendor := uuid.New()
	before := AssetInput{Name: "a", Category: "ot", Type: "plc", VendorID: &vendor, Tags: []string{"x"}, Owner: "ops"}
	owner := ""
	after := AssetPatch{Owner: &owner}.applyTo(before)
	if after.Owner != "" || after.VendorID != &vendor || len(after.Tags) != 1 || after.Name != "a" {
		t.Errorf("patched = %+v", after)
	}
	if changes := assetChanges(before, after); len(changes) != 1 || changes["owner"].Before != "ops" {
		t.Errorf("changes = %+v", changes)
	}
	nilVendor := uuid.Nil
	if after := (AssetPatch{VendorID: &nilVendor}).applyTo(before); after.VendorID != nil {
		t.Errorf("the nil UUID kept the vendor")
	}
}

func TestCSVListKeepsEscapedSeparators(t *testing.T) {
	cpe := `cpe:2.3:a:acme:semi\;colon:1.0:*:*:*:*:*:*:*`
	got := splitCSVList(cpe + ";cpe:2.3:a:acme:other:1.0:*:*:*:*:*:*:*; ")
	if len(got) != 3 || got[0] != cpe || got[2] != "" {
		t.Fatalf("split = %q", got)
	}
	if _, err := canonicalCPE(got[0]); err != nil {
		t.Fatalf("the CPE did not survive the round trip: %v", err)
	}
	if _, err := canonicalTag(`back\slash`); err == nil {
		t.Error("a tag with a backslash was accepted: it could not be told from an escape in a CSV list")
	}
}
