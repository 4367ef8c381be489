package cmdb

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Asset categories and the types each allows (spec 30).
const (
	CategoryIT = "it"
	CategoryOT = "ot"
)

var assetTypes = map[string][]string{
	CategoryIT: {"server", "workstation", "virtual_machine", "switch", "router", "firewall", "wireless_ap",
		"storage", "cloud_service", "printer", "other"},
	CategoryOT: {"plc", "rtu", "dcs_controller", "scada_server", "hmi", "historian", "engineering_station",
		"industrial_switch", "protocol_gateway", "sensor", "actuator", "drive", "robot", "safety_system", "other_ot"},
}

// Criticalities in rank order, lifecycles and sources of an asset.
var (
	criticalities = []string{"low", "medium", "high", "critical"}
	lifecycles    = []string{"planned", "active", "decommissioned", LifecycleDiscovered}
	sources       = []string{SourceManual, SourceImport, SourceDiscovery}
)

// Lifecycle of a discovered device nobody has reviewed yet, and the sources
// of an asset record.
const (
	LifecycleDiscovered = "discovered"
	SourceManual        = "manual"
	SourceImport        = "import"
	SourceDiscovery     = "discovery"
)

// Limits of asset fields, as the assets table checks them.
const (
	maxAssetName     = 200
	maxAssetText     = 200
	maxHostname      = 253
	maxLocation      = 500
	maxNotes         = 20000
	maxAssetList     = 64 // addresses per asset
	maxAssetCPEs     = 50
	maxAssetTags     = 50
	maxTagLength     = 64
	maxAssetVLANs    = 64
	maxCPELength     = 400
	maxAssetBodySize = 256 << 10
)

// Asset is a managed device or system as the API shows it.
type Asset struct {
	ID              uuid.UUID      `json:"id"`
	Name            string         `json:"name"`
	Category        string         `json:"category" enum:"it ot"`
	Type            string         `json:"type"`
	SiteID          uuid.UUID      `json:"site_id"`
	SiteName        string         `json:"site_name"`
	VLANIDs         []uuid.UUID    `json:"vlan_ids"`
	IPAddresses     []string       `json:"ip_addresses"`
	MACAddresses    []string       `json:"mac_addresses"`
	Hostname        string         `json:"hostname"`
	VendorID        *uuid.UUID     `json:"vendor_id"`
	VendorName      string         `json:"vendor_name"`
	Model           string         `json:"model"`
	SerialNumber    string         `json:"serial_number"`
	FirmwareVersion string         `json:"firmware_version"`
	OS              string         `json:"os"`
	CPE             []string       `json:"cpe"`
	Criticality     string         `json:"criticality" enum:"low medium high critical"`
	Lifecycle       string         `json:"lifecycle" enum:"planned active decommissioned discovered"`
	Owner           string         `json:"owner"`
	LocationDetail  string         `json:"location_detail"`
	Tags            []string       `json:"tags"`
	Notes           string         `json:"notes"`
	Source          string         `json:"source" enum:"manual import discovery"`
	FirstSeen       *time.Time     `json:"first_seen"`
	LastSeen        *time.Time     `json:"last_seen"`
	Observed        map[string]any `json:"observed" doc:"what discovery last saw, beside the intended values"`
	Version         int            `json:"version"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
}

// AssetInput is every field a person sets on an asset. Create takes it
// whole; missing optional fields take their defaults.
type AssetInput struct {
	Name            string      `json:"name"`
	Category        string      `json:"category" enum:"it ot"`
	Type            string      `json:"type"`
	SiteID          uuid.UUID   `json:"site_id"`
	VLANIDs         []uuid.UUID `json:"vlan_ids,omitempty"`
	IPAddresses     []string    `json:"ip_addresses,omitempty"`
	MACAddresses    []string    `json:"mac_addresses,omitempty" doc:"EUI-48 in any common notation; stored as aa:bb:cc:dd:ee:ff"`
	Hostname        string      `json:"hostname,omitempty"`
	VendorID        *uuid.UUID  `json:"vendor_id,omitempty"`
	Model           string      `json:"model,omitempty"`
	SerialNumber    string      `json:"serial_number,omitempty"`
	FirmwareVersion string      `json:"firmware_version,omitempty"`
	OS              string      `json:"os,omitempty"`
	CPE             []string    `json:"cpe,omitempty" doc:"CPE 2.3 formatted strings"`
	Criticality     string      `json:"criticality,omitempty" enum:"low medium high critical" doc:"default medium"`
	Lifecycle       string      `json:"lifecycle,omitempty" enum:"planned active decommissioned" doc:"default active"`
	Owner           string      `json:"owner,omitempty"`
	LocationDetail  string      `json:"location_detail,omitempty"`
	Tags            []string    `json:"tags,omitempty"`
	Notes           string      `json:"notes,omitempty"`
}

// AssetPatch changes the fields it names, made at the version the caller read.
type AssetPatch struct {
	Version         int          `json:"version"`
	Name            *string      `json:"name,omitempty"`
	Category        *string      `json:"category,omitempty" enum:"it ot"`
	Type            *string      `json:"type,omitempty"`
	SiteID          *uuid.UUID   `json:"site_id,omitempty"`
	VLANIDs         *[]uuid.UUID `json:"vlan_ids,omitempty"`
	IPAddresses     *[]string    `json:"ip_addresses,omitempty"`
	MACAddresses    *[]string    `json:"mac_addresses,omitempty"`
	Hostname        *string      `json:"hostname,omitempty"`
	VendorID        *uuid.UUID   `json:"vendor_id,omitempty" doc:"the nil UUID removes the vendor"`
	Model           *string      `json:"model,omitempty"`
	SerialNumber    *string      `json:"serial_number,omitempty"`
	FirmwareVersion *string      `json:"firmware_version,omitempty"`
	OS              *string      `json:"os,omitempty"`
	CPE             *[]string    `json:"cpe,omitempty"`
	Criticality     *string      `json:"criticality,omitempty" enum:"low medium high critical"`
	Lifecycle       *string      `json:"lifecycle,omitempty" enum:"planned active decommissioned"`
	Owner           *string      `json:"owner,omitempty"`
	LocationDetail  *string      `json:"location_detail,omitempty"`
	Tags            *[]string    `json:"tags,omitempty"`
	Notes           *string      `json:"notes,omitempty"`
}

// inputOf is the editable part of an asset, for patching.
func inputOf(a Asset) AssetInput {
	return AssetInput{Name: a.Name, Category: a.Category, Type: a.Type, SiteID: a.SiteID, VLANIDs: a.VLANIDs,
		IPAddresses: a.IPAddresses, MACAddresses: a.MACAddresses, Hostname: a.Hostname, VendorID: a.VendorID,
		Model: a.Model, SerialNumber: a.SerialNumber, FirmwareVersion: a.FirmwareVersion, OS: a.OS, CPE: a.CPE,
		Criticality: a.Criticality, Lifecycle: a.Lifecycle, Owner: a.Owner, LocationDetail: a.LocationDetail,
		Tags: a.Tags, Notes: a.Notes}
}

// applyTo returns in with the patch's fields set.
func (p AssetPatch) applyTo(in AssetInput) AssetInput {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.Name, p.Name)
	set(&in.Category, p.Category)
	set(&in.Type, p.Type)
	set(&in.Hostname, p.Hostname)
	set(&in.Model, p.Model)
	set(&in.SerialNumber, p.SerialNumber)
	set(&in.FirmwareVersion, p.FirmwareVersion)
	set(&in.OS, p.OS)
	set(&in.Criticality, p.Criticality)
	set(&in.Lifecycle, p.Lifecycle)
	set(&in.Owner, p.Owner)
	set(&in.LocationDetail, p.LocationDetail)
	set(&in.Notes, p.Notes)
	if p.SiteID != nil {
		in.SiteID = *p.SiteID
	}
	if p.VendorID != nil {
		in.VendorID = p.VendorID
		if *p.VendorID == uuid.Nil {
			in.VendorID = nil
		}
	}
	for _, l := range []struct {
		dst *[]string
		v   *[]string
	}{{&in.IPAddresses, p.IPAddresses}, {&in.MACAddresses, p.MACAddresses}, {&in.CPE, p.CPE}, {&in.Tags, p.Tags}} {
		if l.v != nil {
			*l.dst = *l.v
		}
	}
	if p.VLANIDs != nil {
		in.VLANIDs = *p.VLANIDs
	}
	return in
}

// normalized validates an asset's fields and returns them in stored form:
// trimmed, addresses canonical, lists without duplicates. lifecycle
// "discovered" is the review queue's and only discovery sets it.
func (in AssetInput) normalized(allowDiscovered bool) (AssetInput, error) {
	var c checker
	c.Text("name", &in.Name, maxAssetName, true)
	c.OneOf("category", in.Category, []string{CategoryIT, CategoryOT})
	if types, ok := assetTypes[in.Category]; ok && !slices.Contains(types, in.Type) {
		c.Add("type", "invalid", "a "+strings.ToUpper(in.Category)+" asset's type is one of "+strings.Join(types, ", "))
	}
	if in.SiteID == uuid.Nil {
		c.Add("site_id", "required", "is required")
	}
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"model", &in.Model, maxAssetText}, {"serial_number", &in.SerialNumber, maxAssetText},
		{"firmware_version", &in.FirmwareVersion, maxAssetText}, {"os", &in.OS, maxAssetText},
		{"owner", &in.Owner, maxAssetText}, {"location_detail", &in.LocationDetail, maxLocation},
		{"notes", &in.Notes, maxNotes}} {
		c.Text(f.name, f.v, f.max, false)
	}
	in.Hostname = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(in.Hostname), "."))
	if in.Hostname != "" && !validHostname(in.Hostname) {
		c.Add("hostname", "invalid", "must be a host name (letters, digits and hyphens in dot-separated labels, at most 253 characters)")
	}
	if in.Criticality == "" {
		in.Criticality = "medium"
	}
	c.OneOf("criticality", in.Criticality, criticalities)
	if in.Lifecycle == "" {
		in.Lifecycle = "active"
	}
	if in.Lifecycle == LifecycleDiscovered && !allowDiscovered {
		c.Add("lifecycle", "invalid", "discovered is set by discovery only; use planned, active or decommissioned")
	} else {
		c.OneOf("lifecycle", in.Lifecycle, lifecycles)
	}
	in.IPAddresses = normalizeList(&c, "ip_addresses", in.IPAddresses, maxAssetList, canonicalIP)
	in.MACAddresses = normalizeList(&c, "mac_addresses", in.MACAddresses, maxAssetList, canonicalMAC)
	in.CPE = normalizeList(&c, "cpe", in.CPE, maxAssetCPEs, canonicalCPE)
	in.Tags = normalizeList(&c, "tags", in.Tags, maxAssetTags, canonicalTag)
	if in.VLANIDs == nil {
		in.VLANIDs = []uuid.UUID{}
	}
	in.VLANIDs = uniqueUUIDs(in.VLANIDs)
	if len(in.VLANIDs) > maxAssetVLANs {
		c.Add("vlan_ids", "too_many", fmt.Sprintf("at most %d VLANs", maxAssetVLANs))
	}
	if in.VendorID != nil && *in.VendorID == uuid.Nil {
		in.VendorID = nil
	}
	return in, c.Err()
}

// normalizeList canonicalises each value, drops duplicates and empties, and
// reports bad values by index (ip_addresses[2]).
func normalizeList(c *checker, field string, values []string, maxLen int, canon func(string) (string, error)) []string {
	out := make([]string, 0, len(values))
	for i, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		cv, err := canon(v)
		if err != nil {
			c.Add(fmt.Sprintf("%s[%d]", field, i), "invalid", err.Error())
			continue
		}
		if !slices.Contains(out, cv) {
			out = append(out, cv)
		}
	}
	if len(out) > maxLen {
		c.Add(field, "too_many", fmt.Sprintf("at most %d values", maxLen))
	}
	return out
}

func canonicalIP(v string) (string, error) {
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return "", fmt.Errorf("%q is not an IPv4 or IPv6 address", clipText(v, 60))
	}
	return a.Unmap().String(), nil
}

// canonicalMAC accepts aa:bb:.., aa-bb-.., aabb.ccdd.eeff and aabbccddeeff.
func canonicalMAC(v string) (string, error) {
	if len(v) == 12 && !strings.ContainsAny(v, ":-.") {
		v = v[0:4] + "." + v[4:8] + "." + v[8:12]
	}
	hw, err := net.ParseMAC(v)
	if err != nil || len(hw) != 6 {
		return "", fmt.Errorf("%q is not a MAC address (EUI-48)", clipText(v, 60))
	}
	return hw.String(), nil
}

func canonicalTag(v string) (string, error) {
	if len([]rune(v)) > maxTagLength || strings.ContainsAny(v, ";\\\x00") {
		return "", fmt.Errorf("a tag is at most %d characters, without ';' or '\\'", maxTagLength)
	}
	return v, nil
}

var hostnameLabel = regexp.MustCompile(`^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$`)

func validHostname(h string) bool {
	if len(h) > maxHostname {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if !hostnameLabel.MatchString(label) {
			return false
		}
	}
	return true
}

func uniqueUUIDs(ids []uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ids))
	for _, id := range ids {
		if id != uuid.Nil && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// clipText shortens v for an error message.
func clipText(v string, n int) string {
	r := []rune(v)
	if len(r) <= n {
		return v
	}
	return string(r[:n]) + "…"
}

// assetSearchText is what free-text search matches: name, hostname,
// addresses, serial number and model, lower-cased.
func assetSearchText(in AssetInput) string {
	parts := []string{in.Name, in.Hostname, in.SerialNumber, in.Model}
	parts = append(parts, in.IPAddresses...)
	parts = append(parts, in.MACAddresses...)
	return strings.ToLower(strings.Join(parts, " "))
}
