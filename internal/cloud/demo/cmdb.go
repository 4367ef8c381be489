package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/cloud/diagrams"
	"github.com/monozu/monozu/internal/platform/errs"
)

// demoVendor is a vendor of the demo estate.
type demoVendor struct {
	name, cpe, website, advisories string
}

var demoVendors = []demoVendor{
	{"Siemens", "siemens", "https://www.siemens.com", "https://cert-portal.siemens.com/productcert/"},
	{"Rockwell Automation", "rockwellautomation", "https://www.rockwellautomation.com", "https://www.rockwellautomation.com/en-us/trust-center/security-advisories.html"},
	{"Schneider Electric", "schneider-electric", "https://www.se.com", "https://www.se.com/ww/en/work/support/cybersecurity/security-notifications.jsp"},
	{"ABB", "abb", "https://new.abb.com", "https://global.abb/group/en/technology/cyber-security/alerts-and-notifications"},
	{"Moxa", "moxa", "https://www.moxa.com", "https://www.moxa.com/en/support/product-support/security-advisory"},
	{"Endress+Hauser", "endress\\+hauser", "https://www.endress.com", ""},
	{"AUMA", "auma", "https://www.auma.com", ""},
	{"Fortinet", "fortinet", "https://www.fortinet.com", "https://www.fortiguard.com/psirt"},
	{"Cisco", "cisco", "https://www.cisco.com", "https://sec.cloudapps.cisco.com/security/center/publicationListing.x"},
	{"Dell", "dell", "https://www.dell.com", "https://www.dell.com/support/security/"},
	{"Microsoft", "microsoft", "https://www.microsoft.com", "https://msrc.microsoft.com/update-guide"},
	{"HP", "hp", "https://www.hp.com", "https://support.hp.com/security-bulletins"},
	{"AVEVA", "aveva", "https://www.aveva.com", "https://www.aveva.com/en/support-and-success/cyber-security-updates/"},
}

// demoSite is one plant of the demo customer.
type demoSite struct {
	name, code, location, timezone string
	lat, long                      float64
	octet                          int // 10.<octet>.<vlan>.0/24
	plc, safety, hmi, scada        demoModel
	field                          []demoAsset // site-specific field devices
}

type demoModel struct{ vendor, model, firmware, os string }

// demoAsset is an asset of a site: name, category, type, VLAN number, last
// octet of its address, model, criticality, tags.
type demoAsset struct {
	name, category, typ string
	vlan, host          int
	model               demoModel
	criticality         string
	tags                []string
}

// The VLANs every demo site has, each in the preset zone of its level.
var demoVLANs = []struct {
	number int
	name   string
	level  string
}{{10, "Field I/O", "1"}, {20, "Control", "2"}, {30, "Operations", "3"}, {35, "Industrial DMZ", "3.5"}, {40, "Enterprise", "4"}}

var demoSites = []demoSite{
	{name: "Rotterdam Water Treatment", code: "RWT", location: "Maasvlakte, Rotterdam", timezone: "Europe/Amsterdam",
		lat: 51.9536, long: 4.0455, octet: 10,
		plc:    demoModel{"Siemens", "SIMATIC S7-1500", "2.9.4", ""},
		safety: demoModel{"Siemens", "SIMATIC S7-1500F", "2.9.4", ""},
		hmi:    demoModel{"Siemens", "SIMATIC TP1500 Comfort", "17.0.0", ""},
		scada:  demoModel{"Siemens", "WinCC Unified", "18.0", "Windows Server 2019"},
		field: []demoAsset{
			{"FLOW-01", "ot", "sensor", 10, 61, demoModel{"Endress+Hauser", "Promag 400", "01.04.00", ""}, "medium", []string{"flow"}},
			{"FLOW-02", "ot", "sensor", 10, 62, demoModel{"Endress+Hauser", "Promag 400", "01.04.00", ""}, "medium", []string{"flow"}},
			{"VALVE-01", "ot", "actuator", 10, 71, demoModel{"AUMA", "SA 07.2", "05.00", ""}, "high", []string{"dosing"}},
			{"VALVE-02", "ot", "actuator", 10, 72, demoModel{"AUMA", "SA 07.2", "05.00", ""}, "high", []string{"dosing"}},
		}},
	{name: "Antwerp Packaging Plant", code: "APP", location: "Port of Antwerp", timezone: "Europe/Brussels",
		lat: 51.2637, long: 4.3861, octet: 20,
		plc:    demoModel{"Rockwell Automation", "ControlLogix 1756-L83E", "33.011", ""},
		safety: demoModel{"Rockwell Automation", "GuardLogix 1756-L83ES", "33.011", ""},
		hmi:    demoModel{"Rockwell Automation", "PanelView 5510", "8.001", ""},
		scada:  demoModel{"Rockwell Automation", "FactoryTalk View SE", "13.0", "Windows Server 2019"},
		field: []demoAsset{
			{"ROBOT-01", "ot", "robot", 10, 81, demoModel{"ABB", "IRB 6700", "7.10", ""}, "high", []string{"palletising"}},
			{"ROBOT-02", "ot", "robot", 10, 82, demoModel{"ABB", "IRB 6700", "7.10", ""}, "high", []string{"palletising"}},
			{"CONV-SENSOR-01", "ot", "sensor", 10, 63, demoModel{"Endress+Hauser", "Liquiphant FTL31", "01.00.00", ""}, "low", []string{"conveyor"}},
			{"CONV-SENSOR-02", "ot", "sensor", 10, 64, demoModel{"Endress+Hauser", "Liquiphant FTL31", "01.00.00", ""}, "low", []string{"conveyor"}},
		}},
}

// assetsOf lists a site's assets: the same shape of plant in every site,
// with the site's own controller family and field devices.
func (s demoSite) assetsOf() []demoAsset {
	moxa := demoModel{"Moxa", "EDS-408A", "3.12", ""}
	drive := demoModel{"ABB", "ACS880", "3.42.0.1", ""}
	win11 := demoModel{"Dell", "OptiPlex 7010", "", "Windows 11 Enterprise"}
	out := []demoAsset{
		{"PLC-01", "ot", "plc", 20, 11, s.plc, "critical", []string{"line-a"}},
		{"PLC-02", "ot", "plc", 20, 12, s.plc, "critical", []string{"line-b"}},
		{"PLC-03", "ot", "plc", 20, 13, s.plc, "high", []string{"utilities"}},
		{"SIS-01", "ot", "safety_system", 20, 19, s.safety, "critical", []string{"safety"}},
		{"RTU-01", "ot", "rtu", 10, 21, demoModel{"Schneider Electric", "SCADAPack 570", "9.8.1", ""}, "high", []string{"remote"}},
		{"HMI-01", "ot", "hmi", 20, 31, s.hmi, "high", []string{"line-a"}},
		{"HMI-02", "ot", "hmi", 20, 32, s.hmi, "high", []string{"line-b"}},
		{"DRV-01", "ot", "drive", 10, 41, drive, "medium", []string{"line-a"}},
		{"DRV-02", "ot", "drive", 10, 42, drive, "medium", []string{"line-b"}},
		{"GW-01", "ot", "protocol_gateway", 10, 51, demoModel{"Moxa", "MGate 5105-MB-EIP", "4.3", ""}, "medium", nil},
		{"SW-FIELD-01", "ot", "industrial_switch", 10, 2, moxa, "high", []string{"network"}},
		{"SW-CTRL-01", "ot", "industrial_switch", 20, 2, moxa, "critical", []string{"network"}},
		{"SW-OPS-01", "ot", "industrial_switch", 30, 2, moxa, "high", []string{"network"}},
		{"SCADA-01", "ot", "scada_server", 30, 10, s.scada, "critical", []string{"scada"}},
		{"HIST-01", "ot", "historian", 30, 11, demoModel{"AVEVA", "PI Server", "2023", "Windows Server 2022"}, "high", []string{"scada"}},
		{"ENG-01", "ot", "engineering_station", 30, 20, demoModel{"Dell", "Precision 3660", "", "Windows 10 Enterprise LTSC"}, "high", nil},
		{"FW-DMZ-01", "it", "firewall", 35, 1, demoModel{"Fortinet", "FortiGate 100F", "7.2.8", "FortiOS"}, "critical", []string{"network"}},
		{"JUMP-01", "it", "virtual_machine", 35, 10, demoModel{"Microsoft", "", "", "Windows Server 2022"}, "high", []string{"remote-access"}},
		{"ESX-01", "it", "server", 40, 5, demoModel{"Dell", "PowerEdge R750", "1.10.2", "VMware ESXi 8.0"}, "high", nil},
		{"DC-01", "it", "virtual_machine", 40, 10, demoModel{"Microsoft", "", "", "Windows Server 2022"}, "high", nil},
		{"FS-01", "it", "virtual_machine", 40, 11, demoModel{"Microsoft", "", "", "Windows Server 2022"}, "medium", nil},
		{"WS-01", "it", "workstation", 40, 101, win11, "low", nil},
		{"WS-02", "it", "workstation", 40, 102, win11, "low", nil},
		{"PRN-01", "it", "printer", 40, 150, demoModel{"HP", "LaserJet Enterprise M507", "2409", ""}, "low", nil},
		{"AP-01", "it", "wireless_ap", 40, 3, demoModel{"Cisco", "Catalyst 9120AX", "17.9.4", "IOS XE"}, "low", []string{"network"}},
		{"RTR-01", "it", "router", 40, 1, demoModel{"Cisco", "ISR 4331", "17.9.4", "IOS XE"}, "high", []string{"network"}},
	}
	return append(out, s.field...)
}

// demoRelations are typed edges between a site's assets, by name.
var demoRelations = []struct{ from, typ, to string }{
	{"HMI-01", "controls", "PLC-01"}, {"HMI-02", "controls", "PLC-02"},
	{"SCADA-01", "monitors", "PLC-01"}, {"SCADA-01", "monitors", "PLC-02"}, {"SCADA-01", "monitors", "PLC-03"},
	{"SCADA-01", "monitors", "SIS-01"}, {"HIST-01", "depends_on", "SCADA-01"},
	{"PLC-01", "controls", "DRV-01"}, {"PLC-02", "controls", "DRV-02"},
	{"PLC-01", "connected_to", "SW-CTRL-01"}, {"PLC-02", "connected_to", "SW-CTRL-01"}, {"PLC-03", "connected_to", "SW-CTRL-01"},
	{"SIS-01", "connected_to", "SW-CTRL-01"}, {"GW-01", "connected_to", "RTU-01"}, {"GW-01", "connected_to", "SW-FIELD-01"},
	{"ENG-01", "connected_to", "SW-OPS-01"}, {"SCADA-01", "connected_to", "SW-OPS-01"},
	{"DC-01", "runs_on", "ESX-01"}, {"FS-01", "runs_on", "ESX-01"},
}

// seedCMDB builds the demo estate: two plants with Purdue zones, VLANs,
// vendors, about sixty assets, their relationships and a diagram. It runs
// only on a tenant without the first demo site, so it never duplicates.
func seedCMDB(ctx context.Context, svc *cloud.Services) (bool, error) {
	vendors := map[string]uuid.UUID{}
	sites := make([]cmdb.Site, 0, len(demoSites))
	for i, ds := range demoSites {
		lat, long := ds.lat, ds.long
		site, err := svc.CMDB.CreateSite(ctx, cmdb.NewSite{Name: ds.name, Code: ds.code, Location: ds.location,
			Timezone: ds.timezone, Latitude: &lat, Longitude: &long, Contact: "Plant manager, +31 10 000 000" + fmt.Sprint(i)})
		if errs.Is(err, errs.KindValidation) && i == 0 {
			return false, nil // seeded before
		}
		if err != nil {
			return false, fmt.Errorf("site %s: %w", ds.name, err)
		}
		sites = append(sites, site)
	}
	for _, v := range demoVendors {
		created, err := svc.CMDB.CreateVendor(ctx, cmdb.NewVendor{Name: v.name, Website: v.website, AdvisoryURL: v.advisories, CPEVendor: v.cpe})
		if err != nil {
			return false, fmt.Errorf("vendor %s: %w", v.name, err)
		}
		vendors[v.name] = created.ID
	}
	for i, ds := range demoSites {
		if err := seedSite(ctx, svc, sites[i], ds, vendors); err != nil {
			return false, err
		}
	}
	_, err := svc.Diagrams.Create(ctx, diagrams.NewDiagram{Name: "Purdue overview", SiteID: sites[0].ID,
		Description: "Generated from the inventory: site, zones, VLANs and assets", Preset: diagrams.PresetFullStack})
	if err != nil {
		return false, fmt.Errorf("diagram: %w", err)
	}
	return true, nil
}

func seedSite(ctx context.Context, svc *cloud.Services, site cmdb.Site, ds demoSite, vendors map[string]uuid.UUID) error {
	zones, err := svc.CMDB.CreateZonePreset(ctx, site.ID)
	if err != nil {
		return fmt.Errorf("zones of %s: %w", ds.name, err)
	}
	zoneOf := map[string]uuid.UUID{}
	for _, z := range zones {
		zoneOf[z.PurdueLevel] = z.ID
	}
	vlans := map[int]uuid.UUID{}
	for _, v := range demoVLANs {
		zone := zoneOf[v.level]
		created, err := svc.CMDB.CreateVLAN(ctx, cmdb.NewVLAN{Number: v.number, Name: v.name, ZoneID: &zone,
			CIDR: fmt.Sprintf("10.%d.%d.0/24", ds.octet, v.number), Gateway: fmt.Sprintf("10.%d.%d.254", ds.octet, v.number)})
		if err != nil {
			return fmt.Errorf("VLAN %d of %s: %w", v.number, ds.name, err)
		}
		vlans[v.number] = created.ID
	}
	ids := map[string]uuid.UUID{}
	for n, a := range ds.assetsOf() {
		in := cmdb.AssetInput{Name: ds.code + "-" + a.name, Category: a.category, Type: a.typ, SiteID: site.ID,
			VLANIDs:      []uuid.UUID{vlans[a.vlan]},
			IPAddresses:  []string{fmt.Sprintf("10.%d.%d.%d", ds.octet, a.vlan, a.host)},
			MACAddresses: []string{fmt.Sprintf("02:4d:5a:%02x:%02x:%02x", ds.octet, a.vlan, n)},
			Hostname:     strings.ToLower(ds.code + "-" + a.name), Model: a.model.model, FirmwareVersion: a.model.firmware,
			OS: a.model.os, Criticality: a.criticality, Tags: a.tags, Owner: "OT operations",
			SerialNumber: fmt.Sprintf("%s%04d%02d", ds.code, a.vlan*100+a.host, n)}
		if id, ok := vendors[a.model.vendor]; ok {
			in.VendorID = &id
		}
		if a.category == cmdb.CategoryIT {
			in.Owner = "IT service desk"
		}
		created, err := svc.CMDB.CreateAsset(ctx, in)
		if err != nil {
			return fmt.Errorf("asset %s: %w", in.Name, err)
		}
		ids[a.name] = created.ID
	}
	for _, r := range demoRelations {
		if _, err := svc.CMDB.Relate(ctx, ids[r.from], cmdb.NewRelationship{TargetAssetID: ids[r.to], Type: r.typ}); err != nil {
			return fmt.Errorf("relationship %s %s %s: %w", r.from, r.typ, r.to, err)
		}
	}
	return nil
}
