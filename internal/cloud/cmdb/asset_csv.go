package cmdb

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// assetCSVColumns are the columns of the asset CSV, export and import alike
// (spec 30: the field names; lists ';'-separated, VLANs as site/zone/number,
// site and vendor by name). id, when given, is the import's upsert key;
// source, first_seen and last_seen are written by the export and ignored by
// the import (discovery and the import itself set them).
var assetCSVColumns = []string{"id", "name", "category", "type", "site", "vlans", "ip_addresses", "mac_addresses",
	"hostname", "vendor", "model", "serial_number", "firmware_version", "os", "cpe", "criticality", "lifecycle",
	"owner", "location_detail", "tags", "notes", "source", "first_seen", "last_seen"}

// listSeparator joins list values in one cell.
const listSeparator = ";"

// vlanRef names a VLAN in a CSV cell: site/zone/number, with / and \ in
// names escaped by a backslash; a VLAN without a zone is //number and a
// zone without a site /zone/number.
func vlanRef(v vlanPlacement) string {
	esc := strings.NewReplacer(`\`, `\\`, `/`, `\/`, listSeparator, `\`+listSeparator)
	return esc.Replace(v.SiteName) + "/" + esc.Replace(v.ZoneName) + "/" + strconv.Itoa(v.Number)
}

// parseVLANRef splits a site/zone/number reference.
func parseVLANRef(ref string) (site, zone string, number int, err error) {
	var parts []string
	var cur strings.Builder
	escaped := false
	for _, r := range ref {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\':
			escaped = true
		case r == '/':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	parts = append(parts, cur.String())
	if len(parts) != 3 {
		return "", "", 0, fmt.Errorf("%q is not site/zone/number", clipText(ref, 80))
	}
	number, err = strconv.Atoi(strings.TrimSpace(parts[2]))
	if err != nil || number < 1 || number > 4094 {
		return "", "", 0, fmt.Errorf("%q does not end in a VLAN number from 1 to 4094", clipText(ref, 80))
	}
	return strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1]), number, nil
}

// splitCSVList splits a list cell on each ';' that no backslash escapes.
// Escapes stay in the values: a CPE keeps its own (cpe:2.3:...\;...), and
// VLAN references are unescaped by parseVLANRef.
func splitCSVList(cell string) []string {
	var out []string
	var cur strings.Builder
	escaped := false
	for _, r := range cell {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\':
			cur.WriteRune(r)
			escaped = true
		case string(r) == listSeparator:
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" || len(out) > 0 {
		out = append(out, s)
	}
	return out
}

// assetCSVRecord is a as one CSV row in assetCSVColumns order;
// vlans names the tenant's VLANs.
func assetCSVRecord(a Asset, vlans map[uuid.UUID]vlanPlacement) []string {
	refs := make([]string, 0, len(a.VLANIDs))
	for _, id := range a.VLANIDs {
		if v, ok := vlans[id]; ok {
			refs = append(refs, vlanRef(v))
		}
	}
	timeCell := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	return []string{a.ID.String(), a.Name, a.Category, a.Type, a.SiteName, strings.Join(refs, listSeparator),
		strings.Join(a.IPAddresses, listSeparator), strings.Join(a.MACAddresses, listSeparator), a.Hostname,
		a.VendorName, a.Model, a.SerialNumber, a.FirmwareVersion, a.OS, strings.Join(a.CPE, listSeparator),
		a.Criticality, a.Lifecycle, a.Owner, a.LocationDetail, strings.Join(a.Tags, listSeparator), a.Notes, a.Source,
		timeCell(a.FirstSeen), timeCell(a.LastSeen)}
}
