package cmdb

import (
	"fmt"
	"regexp"
	"strings"
)

// cpe23 is the CPE 2.3 formatted-string grammar (NISTIR 7695, §6.2): part,
// then vendor, product, version, update, edition, language, sw_edition,
// target_sw, target_hw and other, each a value with optional wildcards or
// the logical values * and -.
var cpe23 = func() *regexp.Regexp {
	value := `(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!"#$%&'\(\)\+,/:;<=>@\[\]\^` + "`" + `\{\|}~]))+(\?*|\*?))|[\*\-])`
	language := `(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[\*\-])`
	return regexp.MustCompile(`^cpe:2\.3:[aho\*\-](:` + value + `){5}(:` + language + `)(:` + value + `){4}$`)
}()

func canonicalCPE(v string) (string, error) {
	if len(v) > maxCPELength || !cpe23.MatchString(v) {
		return "", fmt.Errorf("%q is not a CPE 2.3 formatted string (cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other)", clipText(v, 80))
	}
	return v, nil
}

// cpeComponent turns free text into a CPE component: lower case, spaces as
// underscores, characters outside the unquoted set escaped. Empty is "*".
func cpeComponent(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" {
		return "*"
	}
	var b strings.Builder
	for _, r := range v {
		switch {
		case r == ' ':
			b.WriteByte('_')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
			b.WriteRune(r)
		case r < 128:
			b.WriteByte('\\')
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "*"
	}
	return b.String()
}

// CPESuggestion is a CPE an asset probably has, with why.
type CPESuggestion struct {
	CPE    string `json:"cpe"`
	Reason string `json:"reason"`
}

// suggestCPEs proposes CPE names from an asset's vendor, model and
// firmware in the shape the NVD uses for devices: the firmware as an
// operating system ("o", product <model>_firmware) and the device as
// hardware ("h"). An IT asset with an OS but no model gets only its OS.
// cpeVendor is the vendor's CPE name, else its name.
func suggestCPEs(cpeVendor, model, firmware, os string) []CPESuggestion {
	vendor := cpeComponent(cpeVendor)
	var out []CPESuggestion
	if vendor == "*" {
		return out
	}
	if model != "" {
		product := cpeComponent(model)
		version := cpeComponent(firmware)
		out = append(out,
			CPESuggestion{CPE: cpeString("o", vendor, product+"_firmware", version), Reason: "firmware of the device"},
			CPESuggestion{CPE: cpeString("h", vendor, product, "-"), Reason: "the device hardware"})
	} else if os != "" {
		out = append(out, CPESuggestion{CPE: cpeString("o", vendor, cpeComponent(os), "*"), Reason: "operating system"})
	}
	return out
}

func cpeString(part, vendor, product, version string) string {
	return "cpe:2.3:" + part + ":" + vendor + ":" + product + ":" + version + ":*:*:*:*:*:*:*"
}
