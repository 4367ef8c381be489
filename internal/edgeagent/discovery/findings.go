package discovery

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/monozu/monozu/internal/edgeagent/oui"
)

// identity is what one protocol told about a device.
type identity struct {
	vendor, model, firmware, serial, hostname string
	fields                                    map[string]string // identity map entries, keys prefixed by the protocol
}

// protocolPriority orders whose word counts when protocols disagree: the OT protocols report
// the device's own identity; SNMP and HTTP often describe a module or a web server.
var protocolPriority = []string{ProtoModbus, ProtoENIP, ProtoSNMP, ProtoHTTPS, ProtoHTTP}

type findings struct {
	ports []int
	ids   map[string]identity
}

func newFindings() *findings { return &findings{ids: map[string]identity{}} }

func (f *findings) open(port int) { f.ports = append(f.ports, port) }

func (f *findings) add(proto string, id identity) {
	if _, seen := f.ids[proto]; !seen {
		f.ids[proto] = id
	}
}

func (f *findings) observation(ip, mac string) Observation {
	o := Observation{IP: ip, MAC: mac, OpenPorts: slices.Sorted(slices.Values(f.ports)), Identity: map[string]string{}}
	if o.OpenPorts == nil {
		o.OpenPorts = []int{}
	}
	for _, proto := range protocolPriority {
		id, ok := f.ids[proto]
		if !ok {
			continue
		}
		o.Protocols = append(o.Protocols, proto)
		fill(&o.Vendor, id.vendor)
		fill(&o.Model, id.model)
		fill(&o.Firmware, id.firmware)
		fill(&o.Serial, id.serial)
		fill(&o.Hostname, id.hostname)
		for k, v := range id.fields {
			if v = clean(v); v != "" {
				o.Identity[k] = v
			}
		}
	}
	if mac != "" {
		if v, ok := oui.Lookup(mac); ok {
			o.Identity["mac_vendor"] = v
			fill(&o.Vendor, v)
		}
	}
	if len(o.Identity) == 0 {
		o.Identity = nil
	}
	return o
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = clean(v)
	}
}

// maxValue bounds every string a device reports.
const maxValue = 256

// clean trims what devices pad their strings with and drops control characters.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxValue {
		s = strings.ToValidUTF8(s[:maxValue], "")
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }
