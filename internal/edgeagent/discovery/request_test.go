package discovery

import (
	"errors"
	"slices"
	"testing"
)

func TestRequestValidation(t *testing.T) {
	bad := []struct {
		name  string
		req   Request
		field string
	}{
		{"not a CIDR", Request{Subnet: "10.0.0.1"}, "subnet"},
		{"garbage", Request{Subnet: "plant-floor"}, "subnet"},
		{"empty", Request{}, "subnet"},
		{"IPv6", Request{Subnet: "fd00::/120"}, "subnet"},
		{"wider than /22", Request{Subnet: "10.0.0.0/21"}, "subnet"},
		{"a /8", Request{Subnet: "127.0.0.0/8"}, "subnet"},
		{"port zero", Request{Subnet: "10.0.0.0/24", Ports: []int{0}}, "ports"},
		{"port too high", Request{Subnet: "10.0.0.0/24", Ports: []int{502, 65536}}, "ports"},
		{"too many ports", Request{Subnet: "10.0.0.0/24", Ports: make([]int, MaxPorts+1)}, "ports"},
		{"negative rate", Request{Subnet: "10.0.0.0/24", RatePPS: -1}, "rate_pps"},
		{"rate over the cap", Request{Subnet: "10.0.0.0/24", RatePPS: MaxPPS + 1}, "rate_pps"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			err := c.req.Validate()
			var ve ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want a ValidationError", err)
			}
			if !slices.ContainsFunc(ve, func(f FieldError) bool { return f.Field == c.field }) {
				t.Fatalf("errors %v do not name %q", ve, c.field)
			}
		})
	}

	t.Run("every problem is reported at once", func(t *testing.T) {
		var ve ValidationError
		if err := (Request{Subnet: "x", Ports: []int{-1}, RatePPS: -5}).Validate(); !errors.As(err, &ve) || len(ve) != 3 {
			t.Fatalf("got %v, want three field errors", err)
		}
	})
}

func TestRequestPlan(t *testing.T) {
	p, err := Request{Subnet: "192.168.10.77/22"}.validate()
	if err != nil {
		t.Fatal(err)
	}
	if p.prefix.String() != "192.168.8.0/22" || !slices.Equal(p.ports, []int{22, 80, 102, 161, 443, 502, 4840, 20000, 44818, 47808}) || p.pps != DefaultPPS {
		t.Fatalf("defaults: %+v", p)
	}
	if n := len(p.hosts()); n != 1022 {
		t.Fatalf("a /22 probes %d hosts, want 1022", n)
	}

	p, err = Request{Subnet: "127.0.0.8/29", Ports: []int{502, 80, 502}, RatePPS: 5}.validate()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.ports, []int{80, 502}) || p.pps != 5 {
		t.Fatalf("ports sorted and de-duplicated, rate kept: %+v", p)
	}
	hosts := p.hosts()
	if len(hosts) != 6 || hosts[0].String() != "127.0.0.9" || hosts[5].String() != "127.0.0.14" {
		t.Fatalf("a /29 probes %v, want .9–.14", hosts)
	}
	for subnet, want := range map[string]int{"10.1.1.1/32": 1, "10.1.1.0/31": 2, "10.1.1.0/30": 2} {
		p, err := Request{Subnet: subnet}.validate()
		if err != nil || len(p.hosts()) != want {
			t.Fatalf("%s probes %d hosts (%v), want %d", subnet, len(p.hosts()), err, want)
		}
	}
}
