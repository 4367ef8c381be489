package cmdb

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Discovery reconciliation (spec 30, "observed vs intended"): what edge
// appliances see is matched to the assets of their site, kept beside the
// values people entered, and compared with them. This file holds the model
// and the pure rules; discovery_service.go applies them in a transaction.

// MaxObservationsPerCall bounds one Reconcile call.
const MaxObservationsPerCall = 1000

// Limits of one observation's fields.
const (
	discoveryMaxPorts       = 1000
	discoveryMaxIdentity    = 50
	discoveryMaxIdentityKey = 100
	discoveryMaxIdentityVal = 500
	discoveryMaxProtocol    = 50
	// discoveryMaxMergedIdentity bounds the identity data kept in
	// assets.observed across observations.
	discoveryMaxMergedIdentity = 100
	// discoveryFutureSlack is how far ahead of the server's clock an
	// observation may be; later times are taken as "now".
	discoveryFutureSlack = 5 * time.Minute
)

// Observation is what an edge appliance saw of one device on the network
// (a `discovery` ingest event). At least one of MAC or IP is required.
type Observation struct {
	ObservedAt      time.Time         `json:"observed_at"`
	IP              string            `json:"ip,omitempty"`
	MAC             string            `json:"mac,omitempty"`
	Hostname        string            `json:"hostname,omitempty"`
	OpenPorts       []int             `json:"open_ports,omitempty"`
	Vendor          string            `json:"vendor,omitempty"`
	Model           string            `json:"model,omitempty"`
	FirmwareVersion string            `json:"firmware_version,omitempty"`
	SerialNumber    string            `json:"serial_number,omitempty"`
	Protocol        string            `json:"protocol,omitempty" doc:"the protocol that answered: modbus, enip, s7, snmp, http ..."`
	Identity        map[string]string `json:"identity,omitempty" doc:"further identity data the protocol reported"`
}

// ReconcileResult counts what a Reconcile call did. Errors lists the
// observations that were refused, by their index in the call; the others
// were applied.
type ReconcileResult struct {
	Matched     int              `json:"matched"`
	Created     int              `json:"created"`
	Ignored     int              `json:"ignored"`
	DriftOpened int              `json:"drift_opened"`
	Errors      []ReconcileError `json:"errors"`
}

// ReconcileError is one refused observation.
type ReconcileError struct {
	Index   int    `json:"index"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// DiscoveredApproval fills the gaps of a discovered device while it is
// approved. Every field is optional; lifecycle defaults to active.
type DiscoveredApproval struct {
	Version         int          `json:"version,omitempty" doc:"the version you read; stale answers 409 version_conflict, 0 skips the check"`
	Name            *string      `json:"name,omitempty"`
	Category        *string      `json:"category,omitempty" enum:"it ot"`
	Type            *string      `json:"type,omitempty"`
	Lifecycle       *string      `json:"lifecycle,omitempty" enum:"planned active" doc:"default active"`
	Criticality     *string      `json:"criticality,omitempty" enum:"low medium high critical"`
	VLANIDs         *[]uuid.UUID `json:"vlan_ids,omitempty"`
	VendorID        *uuid.UUID   `json:"vendor_id,omitempty" doc:"the nil UUID removes the vendor"`
	Hostname        *string      `json:"hostname,omitempty"`
	Model           *string      `json:"model,omitempty"`
	SerialNumber    *string      `json:"serial_number,omitempty"`
	FirmwareVersion *string      `json:"firmware_version,omitempty"`
	OS              *string      `json:"os,omitempty"`
	CPE             *[]string    `json:"cpe,omitempty"`
	Owner           *string      `json:"owner,omitempty"`
	LocationDetail  *string      `json:"location_detail,omitempty"`
	Tags            *[]string    `json:"tags,omitempty"`
	Notes           *string      `json:"notes,omitempty"`
}

// patch is the approval as an asset patch with the lifecycle it ends in.
func (a DiscoveredApproval) patch() (AssetPatch, error) {
	lifecycle := "active"
	if a.Lifecycle != nil {
		lifecycle = strings.TrimSpace(*a.Lifecycle)
	}
	if lifecycle != "active" && lifecycle != "planned" {
		return AssetPatch{}, errs.Invalid(errs.Field("lifecycle", "invalid", "an approved device is active or planned"))
	}
	return AssetPatch{Name: a.Name, Category: a.Category, Type: a.Type, Lifecycle: &lifecycle,
		Criticality: a.Criticality, VLANIDs: a.VLANIDs, VendorID: a.VendorID, Hostname: a.Hostname, Model: a.Model,
		SerialNumber: a.SerialNumber, FirmwareVersion: a.FirmwareVersion, OS: a.OS, CPE: a.CPE, Owner: a.Owner,
		LocationDetail: a.LocationDetail, Tags: a.Tags, Notes: a.Notes}, nil
}

// DiscoveredMerge names the asset a discovered device is the same as.
type DiscoveredMerge struct {
	IntoAssetID uuid.UUID `json:"into_asset_id" doc:"an asset of the organisation that is not itself awaiting review"`
}

// IgnoredDevice is a device discovery no longer reports: a MAC address
// (everywhere in the organisation) or, for devices without one, an IP
// address within a site.
type IgnoredDevice struct {
	ID        uuid.UUID  `db:"id" json:"id"`
	SiteID    uuid.UUID  `db:"site_id" json:"site_id"`
	SiteName  string     `db:"site_name" json:"site_name"`
	MAC       string     `db:"mac" json:"mac" doc:"empty when the device is ignored by IP address"`
	IP        string     `db:"ip" json:"ip" doc:"the device's address when it was ignored; the ignored address when mac is empty"`
	IgnoredBy *uuid.UUID `db:"ignored_by" json:"ignored_by"`
	IgnoredAt time.Time  `db:"ignored_at" json:"ignored_at"`
}

// normalized validates an observation and returns it in stored form:
// addresses canonical, texts trimmed, ports sorted, the time in UTC (a
// missing time, or one ahead of now, is now).
func (o Observation) normalized(now time.Time) (Observation, []errs.FieldError) {
	var c checker
	o.MAC, o.IP = strings.TrimSpace(o.MAC), strings.TrimSpace(o.IP)
	if o.MAC != "" {
		mac, err := canonicalMAC(o.MAC)
		if err != nil {
			c.Add("mac", "invalid", err.Error())
		}
		o.MAC = mac
	}
	if o.IP != "" {
		ip, err := canonicalIP(o.IP)
		if err != nil {
			c.Add("ip", "invalid", err.Error())
		}
		o.IP = ip
	}
	if o.MAC == "" && o.IP == "" && len(c.Fields) == 0 {
		c.Add("mac", "required", "a MAC or an IP address is required")
	}
	o.Hostname = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(o.Hostname), "."))
	c.Text("hostname", &o.Hostname, maxHostname, false)
	for _, f := range []struct {
		name string
		v    *string
	}{{"vendor", &o.Vendor}, {"model", &o.Model}, {"firmware_version", &o.FirmwareVersion}, {"serial_number", &o.SerialNumber}} {
		c.Text(f.name, f.v, maxAssetText, false)
	}
	o.Protocol = strings.ToLower(o.Protocol)
	c.Text("protocol", &o.Protocol, discoveryMaxProtocol, false)
	if len(o.OpenPorts) > discoveryMaxPorts {
		c.Add("open_ports", "too_many", fmt.Sprintf("at most %d ports", discoveryMaxPorts))
	}
	ports := make([]int, 0, len(o.OpenPorts))
	for i, p := range o.OpenPorts {
		if p < 1 || p > 65535 {
			c.Add(fmt.Sprintf("open_ports[%d]", i), "invalid", "a port is 1-65535")
			continue
		}
		if !slices.Contains(ports, p) {
			ports = append(ports, p)
		}
	}
	slices.Sort(ports)
	o.OpenPorts = ports
	if len(o.Identity) > discoveryMaxIdentity {
		c.Add("identity", "too_many", fmt.Sprintf("at most %d entries", discoveryMaxIdentity))
	}
	identity := make(map[string]string, len(o.Identity))
	for k, v := range o.Identity {
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case k == "" || v == "":
			continue
		case utf8.RuneCountInString(k) > discoveryMaxIdentityKey || utf8.RuneCountInString(v) > discoveryMaxIdentityVal ||
			strings.ContainsRune(k+v, 0) || !utf8.ValidString(k+v):
			c.Add("identity."+clipText(k, 40), "invalid", fmt.Sprintf("keys are at most %d characters, values at most %d, valid UTF-8 without NUL",
				discoveryMaxIdentityKey, discoveryMaxIdentityVal))
		default:
			identity[k] = v
		}
	}
	o.Identity = identity
	if o.ObservedAt.IsZero() || o.ObservedAt.After(now.Add(discoveryFutureSlack)) {
		o.ObservedAt = now
	}
	o.ObservedAt = o.ObservedAt.UTC()
	return o, c.Fields
}

// hostnameForAsset is the observed host name when it can be an asset's
// host name (a DNS name); other names (an SNMP sysName with spaces) are
// kept in the observed values only.
func (o Observation) hostnameForAsset() string {
	if o.Hostname != "" && validHostname(o.Hostname) {
		return o.Hostname
	}
	return ""
}

// driftFields are the asset fields discovery compares with what it sees.
var driftFields = []string{"firmware_version", "model", "serial_number", "hostname"}

// discoveryCompared is the observation's value of each compared field,
// empty when it saw none (or none an asset could hold).
func (o Observation) discoveryCompared() map[string]string {
	return map[string]string{"firmware_version": o.FirmwareVersion, "model": o.Model,
		"serial_number": o.SerialNumber, "hostname": o.hostnameForAsset()}
}

// intendedValue is an asset's value of a compared field.
func intendedValue(in AssetInput, field string) string {
	switch field {
	case "firmware_version":
		return in.FirmwareVersion
	case "model":
		return in.Model
	case "serial_number":
		return in.SerialNumber
	case "hostname":
		return in.Hostname
	}
	return ""
}

// setIntendedValue writes a compared field of an asset.
func setIntendedValue(in *AssetInput, field, v string) {
	switch field {
	case "firmware_version":
		in.FirmwareVersion = v
	case "model":
		in.Model = v
	case "serial_number":
		in.SerialNumber = v
	case "hostname":
		in.Hostname = v
	}
}

// discoverySame compares a recorded and an observed value the way people
// read them: trimmed, in any case.
func discoverySame(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// discoveryAction is what an observed value means for an asset field.
type discoveryAction int

const (
	discoveryKeep  discoveryAction = iota // nothing to change
	discoveryFill                         // discovery's own value: write the observed one
	discoveryDrift                        // a person's value differs: open (or refresh) drift
)

// discoveryFieldRule decides one compared field. Values people entered
// are never overwritten: an asset's value is discovery's own only while
// the asset awaits review (discovered) and the value is empty or still
// what discovery saw before (previous). On any other asset an empty value
// stays empty (the observed one is kept beside it), and a different value
// is drift.
func discoveryFieldRule(discovered bool, intended, previous, observed string) discoveryAction {
	switch {
	case observed == "" || discoverySame(intended, observed):
		return discoveryKeep
	case discovered && (intended == "" || discoverySame(intended, previous)):
		return discoveryFill
	case intended == "":
		return discoveryKeep
	}
	return discoveryDrift
}

// discoveryDriftStep is what to do about a drifting field given the drift
// records it already has.
type discoveryDriftStep int

const (
	discoveryDriftOpen      discoveryDriftStep = iota // open a new record
	discoveryDriftRefresh                             // update the open record
	discoveryDriftDismissed                           // people dismissed this value: leave it
)

// discoveryDriftRule decides a drifting field: an open record is
// refreshed; otherwise the value is left alone when the latest record of
// the field with this same observed value was dismissed; otherwise a
// record opens. lastStatus is "" when there is no such record.
func discoveryDriftRule(hasOpen bool, lastStatusForValue string) discoveryDriftStep {
	switch {
	case hasOpen:
		return discoveryDriftRefresh
	case lastStatusForValue == DriftDismissed:
		return discoveryDriftDismissed
	}
	return discoveryDriftOpen
}

// otProtocols and otPorts mark a device as operational technology.
var (
	otProtocols = []string{"modbus", "enip", "ethernet/ip", "s7", "s7comm", "profinet", "bacnet", "dnp3", "opcua", "opc-ua", "iec104", "cip"}
	otPorts     = []int{502, 44818, 102, 20000, 47808, 4840, 2404}
	printPorts  = []int{9100, 515, 631}
)

// discoveryGuessKind is the category and type of a new device: OT when an
// industrial protocol answered or an industrial port is open (type
// other_ot), else IT (a printer when a print port is open, else other).
func discoveryGuessKind(o Observation) (category, typ string) {
	for _, p := range strings.FieldsFunc(o.Protocol, func(r rune) bool { return r == ',' || r == ' ' }) {
		if slices.Contains(otProtocols, p) {
			return CategoryOT, "other_ot"
		}
	}
	for _, p := range o.OpenPorts {
		if slices.Contains(otPorts, p) {
			return CategoryOT, "other_ot"
		}
	}
	for _, p := range o.OpenPorts {
		if slices.Contains(printPorts, p) {
			return CategoryIT, "printer"
		}
	}
	return CategoryIT, "other"
}

// discoveryNameRoom leaves space for a " (n)" suffix within maxAssetName.
const discoveryNameRoom = maxAssetName - 12

// discoveryGuessName names a new device: its host name, else
// "<vendor> <model> <address>", else "device-<mac>" (or "device-<ip>").
func discoveryGuessName(o Observation) string {
	name := o.Hostname
	if name == "" && (o.Vendor != "" || o.Model != "") {
		parts := []string{}
		for _, p := range []string{o.Vendor, o.Model, o.IP} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		if o.IP == "" {
			parts = append(parts, o.MAC)
		}
		name = strings.Join(parts, " ")
	}
	if name == "" {
		name = "device-" + o.MAC
		if o.MAC == "" {
			name = "device-" + o.IP
		}
	}
	return clipRunes(name, discoveryNameRoom)
}

// discoveryNameCandidate is the n-th name tried for a new device: the
// guess, then "guess (2)", "guess (3)" ...
func discoveryNameCandidate(base string, n int) string {
	if n <= 1 {
		return base
	}
	return base + " (" + strconv.Itoa(n) + ")"
}

func clipRunes(v string, n int) string {
	r := []rune(v)
	if len(r) <= n {
		return v
	}
	return strings.TrimSpace(string(r[:n]))
}

// discoveryMergeObserved lays an observation over the attributes observed
// before: values it saw replace older ones, values it did not see are
// kept, identity data is merged. The result is in JSON form (as read back
// from the database), so it compares with stored sets.
func discoveryMergeObserved(previous map[string]any, o Observation) map[string]any {
	out := maps.Clone(previous)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range map[string]string{"ip": o.IP, "mac": o.MAC, "hostname": o.Hostname, "vendor": o.Vendor,
		"model": o.Model, "firmware_version": o.FirmwareVersion, "serial_number": o.SerialNumber, "protocol": o.Protocol} {
		if v != "" {
			out[k] = v
		}
	}
	if len(o.OpenPorts) > 0 {
		out["open_ports"] = o.OpenPorts
	}
	if len(o.Identity) > 0 {
		identity := map[string]any{}
		if old, ok := out["identity"].(map[string]any); ok && len(old)+len(o.Identity) <= discoveryMaxMergedIdentity {
			maps.Copy(identity, old)
		}
		for k, v := range o.Identity {
			identity[k] = v
		}
		out["identity"] = identity
	}
	out["observed_at"] = o.ObservedAt.UTC().Format(time.RFC3339Nano)
	return discoveryJSONForm(out)
}

// discoveryJSONForm round-trips m through JSON, as the database returns it.
func discoveryJSONForm(m map[string]any) map[string]any {
	raw, err := json.Marshal(m)
	if err != nil {
		return m
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return m
	}
	return out
}

// discoveryAttributes is an observed set without its time: what the
// timeline shows and what decides whether anything changed.
func discoveryAttributes(m map[string]any) map[string]any {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]any{}
	}
	delete(out, "observed_at")
	return out
}

// discoveryChanged reports whether what discovery sees differs from what
// it saw before (the time of the sighting does not count).
func discoveryChanged(previous, next map[string]any) bool {
	a, _ := json.Marshal(discoveryJSONForm(discoveryAttributes(previous)))
	b, _ := json.Marshal(discoveryJSONForm(discoveryAttributes(next)))
	return string(a) != string(b)
}

// discoveryObservedString is a string attribute of an observed set.
func discoveryObservedString(m map[string]any, key string) string {
	v, _ := m[key].(string)
	return v
}

// discoveryMergedSets combines the observed sets of two assets that turn
// out to be one device: the newer set (by last sighting) wins key by key.
func discoveryMergedSets(older, newer map[string]any) map[string]any {
	out := maps.Clone(older)
	if out == nil {
		out = map[string]any{}
	}
	maps.Copy(out, newer)
	return discoveryJSONForm(out)
}

// discoveryAddAddresses appends the addresses in add that list lacks,
// reporting whether any was added.
func discoveryAddAddresses(list, add []string) ([]string, bool) {
	out := slices.Clone(list)
	changed := false
	for _, a := range add {
		if a != "" && !slices.Contains(out, a) {
			out = append(out, a)
			changed = true
		}
	}
	return out, changed
}
