package licensing_test

import (
	"testing"
	"time"

	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/rbac"
)

func TestLicenceStatesAndFeatures(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 0, 0)
	l := &licensing.License{Plan: "pro", Features: []rbac.Feature{rbac.FeatureSecurity, rbac.FeatureVPN},
		StartsAt: start, ExpiresAt: &end, GraceDays: 14}
	cases := []struct {
		at    time.Time
		state licensing.State
		on    bool
	}{
		{start.Add(-time.Hour), licensing.StateFuture, false},
		{start, licensing.StateActive, true},
		{end.Add(-time.Second), licensing.StateActive, true},
		{end, licensing.StateGrace, true},
		{end.AddDate(0, 0, 14).Add(-time.Second), licensing.StateGrace, true},
		{end.AddDate(0, 0, 14), licensing.StateExpired, false},
	}
	for _, tc := range cases {
		if got := l.StateAt(tc.at); got != tc.state {
			t.Errorf("at %s: state %s, want %s", tc.at, got, tc.state)
		}
		enabled := l.Enabled(tc.at)
		if enabled[rbac.FeatureSecurity] != tc.on || enabled[rbac.FeatureVPN] != tc.on || enabled[rbac.FeatureBackup] {
			t.Errorf("at %s: features %v", tc.at, enabled)
		}
	}
	var none *licensing.License
	if none.StateAt(start) != licensing.StateNone || none.Enabled(start)[rbac.FeatureSecurity] {
		t.Error("no licence must switch every module off")
	}
	forever := &licensing.License{Plan: "x", Features: []rbac.Feature{rbac.FeatureBackup}, StartsAt: start}
	if forever.StateAt(start.AddDate(50, 0, 0)) != licensing.StateActive {
		t.Error("a licence without expiry never expires")
	}
}

func TestLicenceValidation(t *testing.T) {
	start := time.Now()
	before := start.Add(-time.Hour)
	for name, l := range map[string]licensing.License{
		"no plan":         {StartsAt: start},
		"unknown feature": {Plan: "p", StartsAt: start, Features: []rbac.Feature{"teleport"}},
		"unknown limit":   {Plan: "p", StartsAt: start, Limits: map[string]int{"max_llamas": 3}},
		"negative limit":  {Plan: "p", StartsAt: start, Limits: map[string]int{"max_users": -1}},
		"no start":        {Plan: "p"},
		"ends first":      {Plan: "p", StartsAt: start, ExpiresAt: &before},
		"long grace":      {Plan: "p", StartsAt: start, GraceDays: 400},
	} {
		if err := l.Validate(); !errs.Is(err, errs.KindValidation) {
			t.Errorf("%s: want a validation error, got %v", name, err)
		}
	}
}
