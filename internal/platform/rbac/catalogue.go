// Package rbac is the permission catalogue (spec 00-overview.md) and the
// rules for granting it: keys are resource.action, "*" grants everything and
// "prefix.*" every key under a prefix. Permissions reach users only through
// groups; a user's permissions are the union over their groups.
package rbac

import (
	"slices"
	"strings"
)

// Feature names an optional module a tenant's licence switches on.
type Feature string

// Optional modules; base modules have no feature.
const (
	FeatureSecurity Feature = "security"
	FeatureVPN      Feature = "vpn"
	FeatureBackup   Feature = "backup"
)

// Features lists every optional module.
func Features() []Feature { return []Feature{FeatureSecurity, FeatureVPN, FeatureBackup} }

// Permission is one catalogue entry.
type Permission struct {
	Key     string  `json:"key"`
	Area    string  `json:"area"`
	Feature Feature `json:"feature,omitempty"`
}

func area(name string, feature Feature, keys ...string) []Permission {
	out := make([]Permission, len(keys))
	for i, k := range keys {
		out[i] = Permission{Key: k, Area: name, Feature: feature}
	}
	return out
}

func crud(resource string) []string {
	return []string{resource + ".read", resource + ".create", resource + ".update", resource + ".delete"}
}

func cru(resource string) []string {
	return []string{resource + ".read", resource + ".create", resource + ".update"}
}

// catalogue is the one list of permission keys in the product.
var catalogue = slices.Concat(
	area("CMDB", "", slices.Concat(crud("assets"), crud("sites"), crud("vendors"), crud("diagrams"))...),
	area("Edge", "", "devices.read", "devices.update", "devices.delete", "devices.command",
		"settings.edge_registration_keys.manage"),
	area("ITSM", "", slices.Concat(crud("incidents"), crud("problems"), crud("changes"), []string{"changes.approve"},
		cru("service_requests"), cru("releases"), cru("maintenance"), cru("pirs"), crud("knowledge"))...),
	area("Security", FeatureSecurity, "security.read", "security.manage", "security.tools",
		"vulnerabilities.read", "vulnerabilities.manage", "compliance.read", "compliance.manage"),
	area("VPN", FeatureVPN, "vpn.read", "vpn.manage", "vpn.connect"),
	area("Backup", FeatureBackup, "backup.read", "backup.manage", "backup.restore"),
	area("Settings", "", "settings.users.read", "settings.users.manage", "settings.groups.read",
		"settings.groups.manage", "settings.groups.members", "settings.audit.read", "settings.auth.manage",
		"settings.sla.manage", "settings.retention.manage", "settings.api_keys.manage", "settings.tenant.manage"),
)

// Catalogue returns every permission in display order.
func Catalogue() []Permission { return slices.Clone(catalogue) }

// Known reports whether key is a catalogue key (not a wildcard).
func Known(key string) bool {
	return slices.ContainsFunc(catalogue, func(p Permission) bool { return p.Key == key })
}

// FeatureOf is the optional module a key belongs to ("" for base modules).
func FeatureOf(key string) Feature {
	for _, p := range catalogue {
		if p.Key == key {
			return p.Feature
		}
	}
	return ""
}

// ValidGrant reports whether g may be stored in a group: a catalogue key,
// "*", or "prefix.*" where some catalogue key lies under prefix.
func ValidGrant(g string) bool {
	if g == "*" || Known(g) {
		return true
	}
	prefix, ok := strings.CutSuffix(g, ".*")
	if !ok || prefix == "" || strings.Contains(prefix, "*") {
		return false
	}
	return slices.ContainsFunc(catalogue, func(p Permission) bool { return strings.HasPrefix(p.Key, prefix+".") })
}

// Allows reports whether grants cover key.
func Allows(grants []string, key string) bool {
	for _, g := range grants {
		if g == "*" || g == key {
			return true
		}
		if prefix, ok := strings.CutSuffix(g, ".*"); ok && strings.HasPrefix(key, prefix+".") {
			return true
		}
	}
	return false
}

// Expand returns the catalogue keys grants cover, in catalogue order.
func Expand(grants []string) []string {
	var keys []string
	for _, p := range catalogue {
		if Allows(grants, p.Key) {
			keys = append(keys, p.Key)
		}
	}
	return keys
}

// Built-in groups created with every tenant.
const (
	AdminGroup    = "Admin"
	ReadOnlyGroup = "Read only"
)

// AdminGrants is everything.
func AdminGrants() []string { return []string{"*"} }

// ReadOnlyGrants is every .read key except VPN, backup and maintenance.
func ReadOnlyGrants() []string {
	var keys []string
	for _, p := range catalogue {
		if !strings.HasSuffix(p.Key, ".read") || p.Feature == FeatureVPN || p.Feature == FeatureBackup ||
			strings.HasPrefix(p.Key, "maintenance.") {
			continue
		}
		keys = append(keys, p.Key)
	}
	return keys
}
