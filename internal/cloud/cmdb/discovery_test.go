package cmdb

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestDiscoveryObservationNormalized(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	o, problems := Observation{MAC: " 00-1A-2B-3C-4D-5E ", IP: "::ffff:10.0.0.7", Hostname: " PLC-1.Plant.local. ",
		OpenPorts: []int{502, 80, 502}, Protocol: "Modbus", Identity: map[string]string{"product_code": " X1 ", "": "y"},
		ObservedAt: now.Add(-time.Minute).In(time.FixedZone("CET", 3600))}.normalized(now)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if o.MAC != "00:1a:2b:3c:4d:5e" || o.IP != "10.0.0.7" || o.Hostname != "plc-1.plant.local" || o.Protocol != "modbus" {
		t.Errorf("normalised = %+v", o)
	}
	if !slices.Equal(o.OpenPorts, []int{80, 502}) || len(o.Identity) != 1 || o.Identity["product_code"] != "X1" {
		t.Errorf("ports %v identity %v", o.OpenPorts, o.Identity)
	}
	if !o.ObservedAt.Equal(now.Add(-time.Minute)) || o.ObservedAt.Location() != time.UTC {
		t.Errorf("observed_at = %v", o.ObservedAt)
	}

	for name, tc := range map[string]struct {
		o     Observation
		field string
	}{
		"no address":   {Observation{Hostname: "x"}, "mac"},
		"bad mac":      {Observation{MAC: "00:11:22"}, "mac"},
		"bad ip":       {Observation{IP: "10.0.0.300"}, "ip"},
		"bad port":     {Observation{IP: "10.0.0.1", OpenPorts: []int{0}}, "open_ports[0]"},
		"long model":   {Observation{IP: "10.0.0.1", Model: strings.Repeat("m", 201)}, "model"},
		"nul hostname": {Observation{IP: "10.0.0.1", Hostname: "a\x00b"}, "hostname"},
	} {
		_, problems := tc.o.normalized(now)
		if len(problems) == 0 || problems[0].Field != tc.field {
			t.Errorf("%s: problems %v, want one for %s", name, problems, tc.field)
		}
	}

	for name, at := range map[string]time.Time{"zero": {}, "future": now.Add(time.Hour)} {
		o, _ := Observation{IP: "10.0.0.1", ObservedAt: at}.normalized(now)
		if !o.ObservedAt.Equal(now) {
			t.Errorf("%s time became %v, want now", name, o.ObservedAt)
		}
	}
}

func TestDiscoveryHostnameForAsset(t *testing.T) {
	for in, want := range map[string]string{"plc-1.local": "plc-1.local", "line a plc": "", "": ""} {
		if got := (Observation{Hostname: in}).hostnameForAsset(); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

func TestDiscoveryFieldRule(t *testing.T) {
	cases := []struct {
		name                         string
		discovered                   bool
		intended, previous, observed string
		want                         discoveryAction
	}{
		{"nothing observed", false, "1.0", "", "", discoveryKeep},
		{"same value", false, "1.0", "", "1.0", discoveryKeep},
		{"same in another case", false, "V1.0 ", "", "v1.0", discoveryKeep},
		{"person's value differs", false, "1.0", "", "2.0", discoveryDrift},
		{"person's value differs even if discovery saw it before", false, "1.0", "1.0", "2.0", discoveryDrift},
		{"person's empty value stays empty", false, "", "", "2.0", discoveryKeep},
		{"discovered empty value is filled", true, "", "", "2.0", discoveryFill},
		{"discovered value follows the device", true, "1.0", "1.0", "2.0", discoveryFill},
		{"discovered value a person changed is drift", true, "1.5", "1.0", "2.0", discoveryDrift},
	}
	for _, tc := range cases {
		if got := discoveryFieldRule(tc.discovered, tc.intended, tc.previous, tc.observed); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDiscoveryDriftRule(t *testing.T) {
	cases := []struct {
		open bool
		last string
		want discoveryDriftStep
	}{
		{true, "", discoveryDriftRefresh},
		{false, "", discoveryDriftOpen},
		{false, DriftDismissed, discoveryDriftDismissed},
		{false, DriftAccepted, discoveryDriftOpen},
	}
	for _, tc := range cases {
		if got := discoveryDriftRule(tc.open, tc.last); got != tc.want {
			t.Errorf("open %v, last %q: %v, want %v", tc.open, tc.last, got, tc.want)
		}
	}
}

func TestDiscoveryGuessKind(t *testing.T) {
	cases := []struct {
		o             Observation
		category, typ string
	}{
		{Observation{Protocol: "modbus"}, CategoryOT, "other_ot"},
		{Observation{Protocol: "enip"}, CategoryOT, "other_ot"},
		{Observation{OpenPorts: []int{22, 44818}}, CategoryOT, "other_ot"},
		{Observation{OpenPorts: []int{47808}}, CategoryOT, "other_ot"},
		{Observation{Protocol: "snmp", OpenPorts: []int{161}}, CategoryIT, "other"},
		{Observation{Protocol: "http", OpenPorts: []int{80, 9100}}, CategoryIT, "printer"},
		{Observation{}, CategoryIT, "other"},
	}
	for _, tc := range cases {
		c, typ := discoveryGuessKind(tc.o)
		if c != tc.category || typ != tc.typ {
			t.Errorf("%+v → %s/%s, want %s/%s", tc.o, c, typ, tc.category, tc.typ)
		}
		if !slices.Contains(assetTypes[c], typ) {
			t.Errorf("type %s is not a %s type", typ, c)
		}
	}
}

func TestDiscoveryGuessName(t *testing.T) {
	cases := map[string]Observation{
		"plc-7.local":                          {Hostname: "plc-7.local", Vendor: "Acme", IP: "10.0.0.1"},
		"Acme M580 10.0.0.1":                   {Vendor: "Acme", Model: "M580", IP: "10.0.0.1", MAC: "00:11:22:33:44:55"},
		"Acme 00:11:22:33:44:55":               {Vendor: "Acme", MAC: "00:11:22:33:44:55"},
		"device-00:11:22:33:44:55":             {MAC: "00:11:22:33:44:55", IP: "10.0.0.1"},
		"device-10.0.0.1":                      {IP: "10.0.0.1"},
		strings.Repeat("x", discoveryNameRoom): {Hostname: strings.Repeat("x", 300)},
	}
	for want, o := range cases {
		if got := discoveryGuessName(o); got != want {
			t.Errorf("%+v → %q, want %q", o, got, want)
		}
	}
	if got := discoveryNameCandidate("plc", 1); got != "plc" {
		t.Errorf("first candidate %q", got)
	}
	if got := discoveryNameCandidate("plc", 3); got != "plc (3)" {
		t.Errorf("third candidate %q", got)
	}
	if len([]rune(discoveryNameCandidate(strings.Repeat("x", discoveryNameRoom), 99999))) > maxAssetName {
		t.Error("a suffixed name is longer than an asset name may be")
	}
}

func TestDiscoveryMergeObserved(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	first := discoveryMergeObserved(nil, Observation{ObservedAt: t0, IP: "10.0.0.1", MAC: "00:11:22:33:44:55",
		Model: "M580", OpenPorts: []int{80, 502}, Identity: map[string]string{"revision": "1"}, Protocol: "modbus"})
	if first["model"] != "M580" || first["observed_at"] != "2026-03-01T12:00:00Z" {
		t.Fatalf("first = %v", first)
	}
	if ports, ok := first["open_ports"].([]any); !ok || len(ports) != 2 {
		t.Fatalf("open ports in JSON form = %#v", first["open_ports"])
	}

	// The same sighting later changes nothing but the time.
	again := discoveryMergeObserved(first, Observation{ObservedAt: t0.Add(time.Hour), IP: "10.0.0.1", MAC: "00:11:22:33:44:55",
		Model: "M580", OpenPorts: []int{80, 502}, Identity: map[string]string{"revision": "1"}})
	if discoveryChanged(first, again) {
		t.Errorf("a repeated sighting counts as a change:\n%v\n%v", first, again)
	}
	if again["protocol"] != "modbus" {
		t.Error("a value the sighting did not carry was dropped")
	}

	// A new firmware, more identity data and fewer open ports are changes.
	changed := discoveryMergeObserved(again, Observation{ObservedAt: t0.Add(2 * time.Hour), MAC: "00:11:22:33:44:55",
		FirmwareVersion: "2.1", OpenPorts: []int{502}, Identity: map[string]string{"serial": "S1"}})
	if !discoveryChanged(again, changed) {
		t.Error("a new firmware is not a change")
	}
	identity, _ := changed["identity"].(map[string]any)
	if identity["revision"] != "1" || identity["serial"] != "S1" {
		t.Errorf("identity = %v, want both entries", identity)
	}
	if _, ok := discoveryAttributes(changed)["observed_at"]; ok {
		t.Error("attributes keep the time")
	}
	if !discoveryChanged(nil, first) {
		t.Error("a first sighting is not a change")
	}
}

func TestDiscoveryMergedSetsAndAddresses(t *testing.T) {
	older := map[string]any{"model": "A", "hostname": "old"}
	newer := map[string]any{"model": "B", "ip": "10.0.0.2"}
	got := discoveryMergedSets(older, newer)
	if got["model"] != "B" || got["hostname"] != "old" || got["ip"] != "10.0.0.2" {
		t.Errorf("merged = %v", got)
	}
	list, added := discoveryAddAddresses([]string{"10.0.0.1"}, []string{"10.0.0.1", "10.0.0.2"})
	if !added || !slices.Equal(list, []string{"10.0.0.1", "10.0.0.2"}) {
		t.Errorf("addresses %v %v", list, added)
	}
	if _, added := discoveryAddAddresses([]string{"10.0.0.1"}, []string{"10.0.0.1"}); added {
		t.Error("nothing new was reported as added")
	}
}

func TestDriftFilterParsing(t *testing.T) {
	f, problems := parseDriftFilter(map[string]string{})
	if len(problems) > 0 || f.Status != DriftOpen {
		t.Errorf("default filter %+v %v", f, problems)
	}
	_, problems = parseDriftFilter(map[string]string{"status": "closed", "field": "os", "asset_id": "x"})
	if len(problems) != 3 {
		t.Errorf("problems %v, want status, field and asset_id", problems)
	}
}

func TestDiscoveryApprovalLifecycle(t *testing.T) {
	if p, err := (DiscoveredApproval{}).patch(); err != nil || *p.Lifecycle != "active" {
		t.Errorf("default approval: %v %v", p.Lifecycle, err)
	}
	planned := "planned"
	if p, err := (DiscoveredApproval{Lifecycle: &planned}).patch(); err != nil || *p.Lifecycle != "planned" {
		t.Errorf("planned approval: %v %v", p.Lifecycle, err)
	}
	for _, bad := range []string{"discovered", "decommissioned"} {
		if _, err := (DiscoveredApproval{Lifecycle: &bad}).patch(); err == nil {
			t.Errorf("approval to %s accepted", bad)
		}
	}
}

func TestDiscoveryBatchMatch(t *testing.T) {
	site, other := uuid.New(), uuid.New()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	target := func(site uuid.UUID, lifecycle string, age int, macs, ips []string) *discoveryTarget {
		tg := &discoveryTarget{ID: uuid.New(), SiteID: site, Lifecycle: lifecycle, CreatedAt: t0.Add(time.Duration(age) * time.Hour)}
		tg.MACs.V, tg.IPs.V = macs, ips
		return tg
	}
	elsewhere := target(other, "active", 0, []string{"00:00:00:00:00:01"}, []string{"10.0.0.1"})
	discoveredHere := target(site, LifecycleDiscovered, 0, []string{"00:00:00:00:00:01"}, nil)
	reviewedHere := target(site, "active", 5, []string{"00:00:00:00:00:01"}, nil)
	ipOnly := target(site, "active", 1, nil, []string{"10.0.0.2"})
	ipWithMAC := target(site, "active", 0, []string{"00:00:00:00:00:09"}, []string{"10.0.0.3"})
	older, newer := target(site, "active", 0, nil, []string{"10.0.0.4"}), target(site, "active", 3, nil, []string{"10.0.0.4"})

	b := &discoveryBatch{siteID: site, byMAC: map[string][]*discoveryTarget{}, byIP: map[string][]*discoveryTarget{}}
	for _, tg := range []*discoveryTarget{elsewhere, discoveredHere, reviewedHere, ipOnly, ipWithMAC, newer, older} {
		b.index(tg)
	}
	cases := []struct {
		name string
		o    Observation
		want *discoveryTarget
	}{
		{"a reviewed asset of the site wins", Observation{MAC: "00:00:00:00:00:01"}, reviewedHere},
		{"another site's IPs are not the site's", Observation{IP: "10.0.0.1"}, nil},
		{"IP within the site", Observation{IP: "10.0.0.2"}, ipOnly},
		{"IP with an unknown MAC matches an asset without MACs", Observation{IP: "10.0.0.2", MAC: "00:00:00:00:00:02"}, ipOnly},
		{"IP with an unknown MAC skips an asset with another MAC", Observation{IP: "10.0.0.3", MAC: "00:00:00:00:00:02"}, nil},
		{"IP alone matches an asset with a MAC", Observation{IP: "10.0.0.3"}, ipWithMAC},
		{"the oldest of two", Observation{IP: "10.0.0.4"}, older},
		{"unknown", Observation{MAC: "00:00:00:00:00:99", IP: "10.9.9.9"}, nil},
	}
	for _, tc := range cases {
		if got := b.match(tc.o); got != tc.want {
			t.Errorf("%s: matched %v, want %v", tc.name, got, tc.want)
		}
	}
	b2 := &discoveryBatch{siteID: site, byMAC: map[string][]*discoveryTarget{}, byIP: map[string][]*discoveryTarget{}}
	b2.index(elsewhere)
	if got := b2.match(Observation{MAC: "00:00:00:00:00:01"}); got != elsewhere {
		t.Errorf("a MAC known in another site: matched %v", got)
	}
}
