package discovery_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/edgeagent/discovery"
	"github.com/monozu/monozu/internal/edgeagent/lab"
)

// The lab's scripted changes each raise their event, and nothing else does.
func TestTrackerRaisesEventsForTheLabsScriptedChanges(t *testing.T) {
	tl := startLab(t, nil)
	devices, err := lab.Describe(tl.opts)
	if err != nil {
		t.Fatal(err)
	}
	ip := map[string]string{}
	for _, d := range devices {
		ip[d.Name] = d.IP
	}
	var tracker discovery.Tracker

	sum, obs := tl.scan(t)
	state, events := tracker.Observe(discovery.State{}, sum, obs)
	if len(events) != 0 {
		t.Fatalf("the baseline scan raised %v", events)
	}
	state = roundTrip(t, state)

	sum, obs = tl.scan(t)
	state, events = tracker.Observe(state, sum, obs)
	if len(events) != 0 {
		t.Fatalf("an unchanged network raised %v", events)
	}
	state = roundTrip(t, state)

	for _, a := range []lab.Action{lab.ActionNewDevice, lab.ActionFirmwareChange, lab.ActionPortOpen} {
		if err := tl.lab.Apply(a); err != nil {
			t.Fatal(err)
		}
	}
	sum, obs = tl.scan(t)
	_, events = tracker.Observe(state, sum, obs)

	httpPort := tl.opts.Ports().HTTP
	want := map[string]discovery.Event{
		discovery.EventNewDevice:       {AssetIP: ip["plc-c"], Severity: "high"},
		discovery.EventIdentityChanged: {AssetIP: ip["plc-a"], Severity: "high"},
		discovery.EventOTPortOpened:    {AssetIP: ip["plc-b"], Severity: "high", DestinationPort: httpPort},
	}
	if len(events) != len(want) {
		t.Fatalf("events %+v, want one of each kind", events)
	}
	for _, e := range events {
		w, ok := want[e.SignatureID]
		if !ok || e.AssetIP != w.AssetIP || e.SourceIP != w.AssetIP || e.Severity != w.Severity || e.DestinationPort != w.DestinationPort {
			t.Errorf("event %+v, want %+v", e, w)
		}
		if e.Title == "" || e.Description == "" || e.Category != "discovery" {
			t.Errorf("event %s lacks alert text: %+v", e.SignatureID, e)
		}
		delete(want, e.SignatureID)
	}
	for _, e := range events {
		if e.SignatureID == discovery.EventIdentityChanged && !contains(e.Description, lab.PLCAFirmware, lab.PLCAFirmwareUpdated) {
			t.Errorf("firmware change not described: %q", e.Description)
		}
	}
}

func roundTrip(t *testing.T, s discovery.State) discovery.State {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var out discovery.State
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func contains(s string, parts ...string) bool {
	return !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(s, p) })
}
