package releases

import "testing"

func TestUpdateAvailable(t *testing.T) {
	for _, tc := range []struct {
		running, latest string
		want            bool
	}{
		{"1.2.3", "1.2.4", true},
		{"1.2.3", "1.3.0", true},
		{"1.9.9", "2.0.0", true},
		{"1.10.0", "1.9.0", false},
		{"1.2.3", "1.2.3", false},
		{"v1.2.3", "1.2.3", false},
		{"1.2.3+build.1", "1.2.3+build.2", false},
		{"2.0.0", "1.9.9", false},
		{"1.0.0-rc.1", "1.0.0", true},
		{"1.0.0", "1.0.0-rc.1", false},
		{"1.0.0-alpha", "1.0.0-alpha.1", true},
		{"1.0.0-alpha.1", "1.0.0-alpha.beta", true},
		{"1.0.0-alpha.beta", "1.0.0-beta", true},
		{"1.0.0-beta.2", "1.0.0-beta.11", true},
		{"1.0.0-beta.11", "1.0.0-rc.1", true},
		{"1.0.0-rc.1", "1.0.0-beta.11", false},
		{"", "1.0.0", true},
		{"dev", "1.0.0", true},
		{"nightly-20261201", "nightly-20261201", false},
		{"1.2", "1.2.0", true},
		{"01.2.3", "1.2.3", true},
		{"1.0.0-", "1.0.0", true},
	} {
		if got := updateAvailable(tc.running, tc.latest); got != tc.want {
			t.Errorf("updateAvailable(%q, %q) = %v, want %v", tc.running, tc.latest, got, tc.want)
		}
	}
}
