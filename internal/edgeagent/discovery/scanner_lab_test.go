package discovery_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/monozu/monozu/internal/edgeagent/discovery"
	"github.com/monozu/monozu/internal/edgeagent/lab"
)

func TestScanFindsAndIdentifiesEveryLabDevice(t *testing.T) {
	tl := startLab(t, nil)
	sum, obs := tl.scan(t)
	devices, err := lab.Describe(tl.opts)
	if err != nil {
		t.Fatal(err)
	}
	found := byIP(obs)

	for _, d := range devices {
		o, ok := found[d.IP]
		if d.AppearsOn != "" {
			if ok {
				t.Errorf("%s (%s) found before it appeared", d.Name, d.IP)
			}
			continue
		}
		if !ok {
			t.Errorf("%s (%s) not found", d.Name, d.IP)
			continue
		}
		if o.MAC != d.MAC || o.Identity["mac_vendor"] == "" {
			t.Errorf("%s: MAC %q (vendor %q), want %q with its OUI vendor", d.Name, o.MAC, o.Identity["mac_vendor"], d.MAC)
		}
		if !slices.Equal(o.OpenPorts, []int{d.Services[0].Port}) {
			t.Errorf("%s: open ports %v, want %v", d.Name, o.OpenPorts, d.Services[0].Port)
		}
		if !slices.Equal(o.Protocols, []string{d.Services[0].Protocol}) {
			t.Errorf("%s: protocols %v, want %s", d.Name, o.Protocols, d.Services[0].Protocol)
		}
	}

	want := map[string]discovery.Observation{
		"plc-a":    {Vendor: "Schneider Electric", Model: "BMX P34 2020", Firmware: lab.PLCAFirmware},
		"plc-b":    {Vendor: "WAGO", Model: "750-8202/0000-0100", Firmware: "03.10.08"},
		"plc-enip": {Vendor: "Rockwell Automation/Allen-Bradley", Model: "1756-L83E/B", Firmware: "32.011", Serial: "60C1A2B3"},
		"switch":   {Vendor: "Hirschmann", Hostname: "ot-sw-01"},
		"hmi":      {Vendor: "Siemens AG", Hostname: "hmi.lab.example"}, // vendor from the MAC, name from DNS
	}
	for _, d := range devices {
		w, ok := want[d.Name]
		if !ok {
			continue
		}
		o := found[d.IP]
		if o.Vendor != w.Vendor || o.Model != w.Model || o.Firmware != w.Firmware || o.Serial != w.Serial || (w.Hostname != "" && o.Hostname != w.Hostname) {
			t.Errorf("%s identified as vendor %q model %q firmware %q serial %q host %q; want %+v",
				d.Name, o.Vendor, o.Model, o.Firmware, o.Serial, o.Hostname, w)
		}
		if d.Name != "switch" && d.Name != "hmi" && (o.Vendor != d.Vendor || o.Firmware != d.Firmware) {
			t.Errorf("%s: identity %q/%q differs from what the lab describes (%q/%q)", d.Name, o.Vendor, o.Firmware, d.Vendor, d.Firmware)
		}
	}

	plcA := found[devices[0].IP]
	for k, v := range map[string]string{"modbus.product_code": "BMXP342020", "modbus.product_name": "Modicon M340", "modbus.vendor_url": "www.se.com"} {
		if plcA.Identity[k] != v {
			t.Errorf("plc-a identity[%s] = %q, want %q", k, plcA.Identity[k], v)
		}
	}
	sw := found[devices[3].IP]
	if sw.Identity["snmp.sys_object_id"] != ".1.3.6.1.4.1.248.11.2.1.3" || sw.Identity["snmp.sys_descr"] == "" {
		t.Errorf("switch identity %v", sw.Identity)
	}
	hmi := found[devices[4].IP]
	if hmi.Identity["http.server"] != "Beijer-iX/2.40" || hmi.Identity["http.title"] != "Line 3 HMI - Overview" {
		t.Errorf("hmi identity %v", hmi.Identity)
	}
	enip := found[devices[2].IP]
	if enip.Identity["enip.device_type"] != "Programmable Logic Controller" || enip.Identity["enip.vendor_id"] != "1" {
		t.Errorf("enip identity %v", enip.Identity)
	}

	if sum.HostsProbed != 6 || sum.HostsUp != 5 || sum.Subnet != tl.subnet || sum.RatePPS != discovery.MaxPPS {
		t.Errorf("summary %+v", sum)
	}
	if !maps.Equal(sum.Identified, map[string]int{"modbus": 2, "enip": 1, "snmp": 1, "http": 1}) {
		t.Errorf("identified by protocol %v", sum.Identified)
	}
	if sum.Attempts != 6*len(tl.ports) {
		t.Errorf("%d connection attempts, want one per host and port (%d): identification reuses the sweep's connection", sum.Attempts, 6*len(tl.ports))
	}
}

// The observation's JSON is the data of an ingest `discovery` event.
func TestObservationJSONIsTheDiscoveryEventData(t *testing.T) {
	b, err := json.Marshal(discovery.Observation{IP: "10.0.0.5", OpenPorts: []int{502}, Vendor: "WAGO", Firmware: "1.0",
		Serial: "42", Model: "PFC200", Protocols: []string{"modbus"}, Identity: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"ip":"10.0.0.5","mac":"","hostname":"","open_ports":[502],"vendor":"WAGO","model":"PFC200","firmware":"1.0","serial":"42","protocols":["modbus"],"identity":{"k":"v"}}`
	if string(b) != want {
		t.Fatalf("json %s\nwant %s", b, want)
	}
}
