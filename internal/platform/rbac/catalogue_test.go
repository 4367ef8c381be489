package rbac_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/platform/rbac"
)

func TestCatalogueIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range rbac.Catalogue() {
		if seen[p.Key] {
			t.Errorf("duplicate key %s", p.Key)
		}
		seen[p.Key] = true
		resource, action, ok := cutLast(p.Key)
		if !ok || resource == "" || action == "" || strings.ContainsAny(p.Key, " *") || strings.ToLower(p.Key) != p.Key {
			t.Errorf("malformed key %q", p.Key)
		}
	}
	for _, want := range []string{"assets.read", "changes.approve", "security.tools", "vpn.connect", "backup.restore",
		"settings.edge_registration_keys.manage", "settings.groups.members", "incidents.delete", "knowledge.delete"} {
		if !seen[want] {
			t.Errorf("catalogue lacks %s", want)
		}
	}
	if rbac.FeatureOf("vulnerabilities.manage") != rbac.FeatureSecurity || rbac.FeatureOf("assets.read") != "" {
		t.Error("features are attached to the wrong keys")
	}
}

func cutLast(key string) (string, string, bool) {
	i := strings.LastIndex(key, ".")
	if i < 0 {
		return "", "", false
	}
	return key[:i], key[i+1:], true
}

func TestGrants(t *testing.T) {
	cases := []struct {
		grants []string
		key    string
		want   bool
	}{
		{[]string{"*"}, "backup.restore", true},
		{[]string{"assets.*"}, "assets.delete", true},
		{[]string{"assets.*"}, "assetsx.read", false},
		{[]string{"settings.*"}, "settings.users.manage", true},
		{[]string{"settings.users.*"}, "settings.groups.read", false},
		{[]string{"assets.read"}, "assets.update", false},
		{nil, "assets.read", false},
	}
	for _, tc := range cases {
		if got := rbac.Allows(tc.grants, tc.key); got != tc.want {
			t.Errorf("Allows(%v, %s) = %v", tc.grants, tc.key, got)
		}
	}
	for g, want := range map[string]bool{
		"*": true, "assets.read": true, "assets.*": true, "settings.*": true, "settings.users.*": true,
		"assets.fly": false, "nothing.*": false, "*.read": false, "": false, "assets": false, ".*": false,
	} {
		if got := rbac.ValidGrant(g); got != want {
			t.Errorf("ValidGrant(%q) = %v, want %v", g, got, want)
		}
	}
}

func TestBuiltInGroups(t *testing.T) {
	if got := rbac.Expand(rbac.AdminGrants()); len(got) != len(rbac.Catalogue()) {
		t.Fatalf("Admin covers %d of %d keys", len(got), len(rbac.Catalogue()))
	}
	ro := rbac.ReadOnlyGrants()
	for _, k := range ro {
		if !strings.HasSuffix(k, ".read") {
			t.Errorf("Read only grants %s", k)
		}
	}
	for _, must := range []string{"assets.read", "security.read", "settings.audit.read", "incidents.read"} {
		if !slices.Contains(ro, must) {
			t.Errorf("Read only lacks %s", must)
		}
	}
	for _, never := range []string{"vpn.read", "backup.read", "maintenance.read", "assets.create"} {
		if slices.Contains(ro, never) {
			t.Errorf("Read only grants %s", never)
		}
	}
}
