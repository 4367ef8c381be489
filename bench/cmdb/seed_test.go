package cmdbbench

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The seed is set-based SQL run as the superuser (row-level security does
// not apply to it): sites, zones, VLANs and vendors per tenant from fixed
// lists, then the assets of one tenant per statement from generate_series
// with random() (seeded, so every run builds the same shapes), and their
// VLAN links. search_text is computed exactly as cmdb.assetSearchText does:
// lower(name, hostname, serial number, model, IPs, MACs joined by spaces),
// with addresses in their canonical text (10.1.2.3, aa:bb:cc:dd:ee:ff).

// siteDefs are each tenant's sites; weight is its share of the assets in
// percent, so sites differ in size as real plants do.
var siteDefs = []struct {
	name, code, location, tz string
	lat, lon                 float64
	weight                   int
}{
	{"Hamburg Plant", "HAM", "Hamburg, DE", "Europe/Berlin", 53.55, 9.99, 30},
	{"Munich Works", "MUC", "Munich, DE", "Europe/Berlin", 48.14, 11.58, 22},
	{"Lyon Works", "LYO", "Lyon, FR", "Europe/Paris", 45.76, 4.84, 18},
	{"Turin Assembly", "TRN", "Turin, IT", "Europe/Rome", 45.07, 7.69, 14},
	{"Ostrava Mill", "OST", "Ostrava, CZ", "Europe/Prague", 49.82, 18.26, 10},
	{"Gdansk Terminal", "GDN", "Gdansk, PL", "Europe/Warsaw", 54.35, 18.65, 6},
}

// zoneDefs are the zones of every site (Purdue levels).
var zoneDefs = []struct {
	name, level string
	security    int
}{
	{"Enterprise", "4", 1}, {"DMZ", "3.5", 3}, {"Operations", "3", 2}, {"Control", "2", 3}, {"Field", "1", 2},
}

// vlanDefs are the eight VLANs of every site (48 per tenant); zone indexes
// zoneDefs. VLAN i of site s is 10.(16s+i).0.0/16, number 10(i+1).
var vlanDefs = []struct {
	zone  int
	label string
}{
	{0, "office"}, {1, "dmz"}, {2, "servers"}, {2, "operations"}, {3, "control-a"}, {3, "control-b"}, {4, "field-a"}, {4, "field-b"},
}

// vendorDefs are each tenant's 30 vendors (name, CPE vendor).
var vendorDefs = [][2]string{
	{"Siemens", "siemens"}, {"Rockwell Automation", "rockwellautomation"}, {"Schneider Electric", "schneider-electric"},
	{"ABB", "abb"}, {"Honeywell", "honeywell"}, {"Emerson", "emerson"}, {"Yokogawa", "yokogawa"},
	{"Mitsubishi Electric", "mitsubishielectric"}, {"Omron", "omron"}, {"Beckhoff", "beckhoff"},
	{"Phoenix Contact", "phoenixcontact"}, {"Moxa", "moxa"}, {"Hirschmann", "belden"}, {"Cisco", "cisco"},
	{"Juniper Networks", "juniper"}, {"Fortinet", "fortinet"}, {"Palo Alto Networks", "paloaltonetworks"},
	{"Dell", "dell"}, {"HPE", "hpe"}, {"Lenovo", "lenovo"}, {"Microsoft", "microsoft"}, {"VMware", "vmware"},
	{"Red Hat", "redhat"}, {"WAGO", "wago"}, {"B&R Industrial Automation", "br-automation"}, {"GE Vernova", "ge"},
	{"Hitachi Energy", "hitachienergy"}, {"Bosch Rexroth", "boschrexroth"}, {"Pilz", "pilz"},
	{"Endress+Hauser", "endress_hauser"},
}

// typeDef is one asset type: its name prefix, weight within its category
// (percent), the (vendor, model) variants it comes in (vendors index
// vendorDefs from 1), operating systems, the VLANs (vlanDefs indexes) it
// sits in, and how often it has a hostname and an IP address.
type typeDef struct {
	category, typ, prefix string
	weight                int
	vendors               []int
	models                []string
	oses                  []string
	vlans                 []int
	hostname, ip          float64
}

var typeDefs = []typeDef{
	{"ot", "plc", "PLC", 20, []int{1, 1, 2, 2, 3, 4, 9, 10},
		[]string{"S7-1500 CPU 1515-2 PN", "S7-1200 CPU 1214C", "ControlLogix 5580", "CompactLogix 5380", "Modicon M580", "AC500 PM5650", "NJ501-1300", "CX2040"},
		[]string{""}, []int{4, 5}, 0.6, 1},
	{"ot", "hmi", "HMI", 10, []int{1, 2, 3, 10, 25},
		[]string{"SIMATIC TP1200 Comfort", "PanelView Plus 7", "Harmony GTU", "CP2916", "Power Panel T50"},
		[]string{"Windows 10 IoT Enterprise", "Embedded Linux"}, []int{4, 5}, 0.8, 1},
	{"ot", "rtu", "RTU", 6, []int{4, 3, 26}, []string{"RTU560", "SCADAPack 570", "iSTAR RTU"},
		[]string{""}, []int{4, 5, 6}, 0.5, 1},
	{"ot", "dcs_controller", "DCS", 4, []int{6, 7, 5, 4},
		[]string{"DeltaV PK Controller", "CENTUM VP FCS", "Experion C300", "AC 800M"}, []string{""}, []int{4, 5}, 0.7, 1},
	{"ot", "scada_server", "SCADA", 3, []int{1, 3, 5, 26},
		[]string{"WinCC OA Server", "EcoStruxure Geo SCADA", "Experion PKS Server", "iFIX Server"},
		[]string{"Windows Server 2019", "Windows Server 2022"}, []int{2, 3}, 1, 1},
	{"ot", "historian", "HIST", 2, []int{26, 5, 21}, []string{"Proficy Historian", "PHD Server", "SQL Server Historian"},
		[]string{"Windows Server 2019", "Windows Server 2022"}, []int{2, 3}, 1, 1},
	{"ot", "engineering_station", "ENG", 4, []int{18, 19, 20}, []string{"Precision 3660", "Z2 G9", "ThinkStation P360"},
		[]string{"Windows 10 Enterprise LTSC", "Windows 11 Enterprise"}, []int{3, 4}, 1, 1},
	{"ot", "industrial_switch", "ISW", 12, []int{1, 12, 13, 11, 14},
		[]string{"SCALANCE XC208", "EDS-510E", "RSP35", "FL SWITCH 2308", "IE3400"}, []string{""}, []int{4, 5, 6, 7}, 0.7, 1},
	{"ot", "protocol_gateway", "GW", 5, []int{12, 10, 11, 24},
		[]string{"MGate 5105-MB-EIP", "EK9300", "GW MODBUS TCP/RTU", "PFC200 750-8212"}, []string{""}, []int{5, 6, 7}, 0.5, 1},
	{"ot", "sensor", "SEN", 14, []int{30, 1, 5, 6},
		[]string{"Promag W 400", "SITRANS P320", "SmartLine ST700", "Rosemount 3051"}, []string{""}, []int{6, 7}, 0.1, 0.4},
	{"ot", "actuator", "ACT", 6, []int{6, 28, 3}, []string{"Fisher DVC6200", "IndraDrive Mi", "Altivar Process ATV630"},
		[]string{""}, []int{6, 7}, 0.1, 0.4},
	{"ot", "drive", "VFD", 8, []int{1, 4, 3, 2, 8, 28},
		[]string{"SINAMICS G120", "ACS880", "Altivar 320", "PowerFlex 755", "FR-A800", "IndraDrive Cs"}, []string{""}, []int{6, 7}, 0.3, 0.8},
	{"ot", "robot", "RBT", 3, []int{4, 8, 28}, []string{"IRB 6700", "MELFA RV-FR", "Cytro Robot"},
		[]string{""}, []int{6, 7}, 0.6, 1},
	{"ot", "safety_system", "SIS", 3, []int{29, 6, 5, 1},
		[]string{"PNOZmulti 2", "DeltaV SIS", "Safety Manager SC", "S7-1500F CPU 1516F"}, []string{""}, []int{4, 5}, 0.5, 1},
	{"it", "server", "SRV", 20, []int{18, 19, 20},
		[]string{"PowerEdge R750", "ProLiant DL380 Gen10 Plus", "ThinkSystem SR650 V2"},
		[]string{"Windows Server 2022", "Red Hat Enterprise Linux 9", "Ubuntu 22.04 LTS"}, []int{2}, 1, 1},
	{"it", "workstation", "WS", 30, []int{18, 19, 20}, []string{"OptiPlex 7010", "EliteDesk 800 G9", "ThinkCentre M90q"},
		[]string{"Windows 11 Enterprise", "Windows 10 Enterprise"}, []int{0}, 1, 1},
	{"it", "virtual_machine", "VM", 20, []int{22, 21, 23},
		[]string{"vSphere VM", "Hyper-V VM", "OpenShift Virtualization VM"},
		[]string{"Windows Server 2022", "Red Hat Enterprise Linux 9", "Ubuntu 22.04 LTS"}, []int{1, 2}, 1, 1},
	{"it", "switch", "SW", 8, []int{14, 15, 19}, []string{"Catalyst 9300", "EX4400", "Aruba 6300M"},
		[]string{"IOS XE 17.9", "Junos 23.2", "AOS-CX 10.12"}, []int{0, 2}, 1, 1},
	{"it", "router", "RTR", 3, []int{14, 15}, []string{"ISR 4331", "MX204"}, []string{"IOS XE 17.9", "Junos 23.2"}, []int{1}, 1, 1},
	{"it", "firewall", "FW", 3, []int{16, 17, 14}, []string{"FortiGate 100F", "PA-440", "Firepower 1120"},
		[]string{"FortiOS 7.4", "PAN-OS 11.1", "FTD 7.4"}, []int{1}, 1, 1},
	{"it", "wireless_ap", "AP", 6, []int{14, 19}, []string{"Catalyst 9120AX", "Aruba AP-535"}, []string{""}, []int{0}, 0.8, 1},
	{"it", "storage", "STO", 2, []int{18, 19}, []string{"PowerStore 500T", "Nimble HF20"}, []string{""}, []int{2}, 1, 1},
	{"it", "printer", "PRN", 6, []int{19, 18}, []string{"LaserJet Enterprise M507", "Color Laser 3760"}, []string{""}, []int{0}, 0.9, 1},
	{"it", "other", "OTH", 2, []int{20}, []string{"ThinkEdge SE50"}, []string{"Ubuntu 22.04 LTS"}, []int{0, 2}, 0.5, 1},
}

// seedStats is what seeding took.
type seedStats struct {
	assets                                 int
	hierarchy, assetsTime, indexes, vacuum time.Duration
	perTenant                              []time.Duration
}

// sqlQuote quotes a SQL string literal.
func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func textArray(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = sqlQuote(s)
	}
	return "ARRAY[" + strings.Join(q, ", ") + "]::text[]"
}

func intArray(v []int) string {
	q := make([]string, len(v))
	for i, n := range v {
		q[i] = fmt.Sprint(n)
	}
	return "ARRAY[" + strings.Join(q, ", ") + "]::int[]"
}

// seedHierarchy creates sites, zones, VLANs and vendors for tenants and
// the lookup tables the asset seed joins (temporary, on conn).
func seedHierarchy(ctx context.Context, conn *sql.Conn, tenants []uuid.UUID) error {
	var sites, zones, vlans, vendors, types []string
	for i, s := range siteDefs {
		sites = append(sites, fmt.Sprintf("(%d, %s, %s, %s, %s, %g, %g, %d)", i, sqlQuote(s.name), sqlQuote(s.code),
			sqlQuote(s.location), sqlQuote(s.tz), s.lat, s.lon, s.weight))
	}
	for i, z := range zoneDefs {
		zones = append(zones, fmt.Sprintf("(%d, %s, %s, %d)", i, sqlQuote(z.name), sqlQuote(z.level), z.security))
	}
	for i, v := range vlanDefs {
		vlans = append(vlans, fmt.Sprintf("(%d, %d, %s)", i, v.zone, sqlQuote(v.label)))
	}
	for i, v := range vendorDefs {
		vendors = append(vendors, fmt.Sprintf("(%d, %s, %s)", i+1, sqlQuote(v[0]), sqlQuote(v[1])))
	}
	lo := map[string]int{}
	for _, t := range typeDefs {
		types = append(types, fmt.Sprintf("(%s, %s, %s, %g, %g, %s, %s, %s, %s, %g, %g)", sqlQuote(t.category), sqlQuote(t.typ),
			sqlQuote(t.prefix), float64(lo[t.category])/100, float64(lo[t.category]+t.weight)/100, intArray(t.vendors),
			textArray(t.models), textArray(t.oses), intArray(t.vlans), t.hostname, t.ip))
		lo[t.category] += t.weight
	}
	for c, total := range lo {
		if total != 100 {
			return fmt.Errorf("type weights of %s add up to %d, not 100", c, total)
		}
	}
	stmts := []string{
		`CREATE TEMP TABLE bench_tenants (idx int, id uuid) ON COMMIT PRESERVE ROWS`,
		`INSERT INTO bench_tenants SELECT (o - 1)::int, id FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, o)`,
		`CREATE TEMP TABLE bench_site_defs (idx int, name text, code text, location text, tz text, lat float8, lon float8, weight int)`,
		`INSERT INTO bench_site_defs VALUES ` + strings.Join(sites, ", "),
		`CREATE TEMP TABLE bench_zone_defs (idx int, name text, level text, security int)`,
		`INSERT INTO bench_zone_defs VALUES ` + strings.Join(zones, ", "),
		`CREATE TEMP TABLE bench_vlan_defs (idx int, zone int, label text)`,
		`INSERT INTO bench_vlan_defs VALUES ` + strings.Join(vlans, ", "),
		`CREATE TEMP TABLE bench_vendor_defs (idx int, name text, cpe_vendor text)`,
		`INSERT INTO bench_vendor_defs VALUES ` + strings.Join(vendors, ", "),
		`CREATE TEMP TABLE bench_types (category text, type text, prefix text, lo float8, hi float8, vendors int[],
			models text[], oses text[], vlans int[], p_hostname float8, p_ip float8)`,
		`INSERT INTO bench_types VALUES ` + strings.Join(types, ", "),

		`INSERT INTO sites (tenant_id, name, code, location, timezone, latitude, longitude, contact, description)
		 SELECT t.id, d.name, d.code, d.location, d.tz, d.lat, d.lon, 'plant-it@' || lower(d.code) || '.example.com',
		        'Production site ' || d.name
		 FROM bench_tenants t CROSS JOIN bench_site_defs d`,
		`INSERT INTO zones (tenant_id, site_id, name, purdue_level, security_level, description)
		 SELECT s.tenant_id, s.id, s.code || ' ' || z.name, z.level, z.security, z.name || ' zone of ' || s.name
		 FROM sites s CROSS JOIN bench_zone_defs z WHERE s.tenant_id IN (SELECT id FROM bench_tenants)`,
		`INSERT INTO vlans (tenant_id, zone_id, number, name, cidr, gateway)
		 SELECT s.tenant_id, z.id, 10 * (v.idx + 1), s.code || '-' || v.label,
		        ('10.' || (16 * d.idx + v.idx) || '.0.0/16')::cidr, ('10.' || (16 * d.idx + v.idx) || '.0.1')::inet
		 FROM sites s JOIN bench_site_defs d ON d.code = s.code
		 JOIN bench_vlan_defs v ON true
		 JOIN bench_zone_defs zd ON zd.idx = v.zone
		 JOIN zones z ON z.tenant_id = s.tenant_id AND z.site_id = s.id AND z.name = s.code || ' ' || zd.name
		 WHERE s.tenant_id IN (SELECT id FROM bench_tenants)`,
		`INSERT INTO vendors (tenant_id, name, website, cpe_vendor, support_contact)
		 SELECT t.id, d.name, 'https://www.' || regexp_replace(d.cpe_vendor, '[^a-z]', '', 'g') || '.example.com',
		        d.cpe_vendor, 'support@' || regexp_replace(d.cpe_vendor, '[^a-z]', '', 'g') || '.example.com'
		 FROM bench_tenants t CROSS JOIN bench_vendor_defs d`,

		// Lookups the asset seed joins: sites by cumulative weight, VLANs by
		// index, vendors by index.
		`CREATE TEMP TABLE bench_sites AS
		 SELECT s.tenant_id, s.id AS site_id, d.idx AS site_idx, d.code,
		        (sum(d.weight) OVER (PARTITION BY s.tenant_id ORDER BY d.idx) - d.weight) / 100.0 AS lo,
		        sum(d.weight) OVER (PARTITION BY s.tenant_id ORDER BY d.idx) / 100.0 AS hi
		 FROM sites s JOIN bench_site_defs d ON d.code = s.code WHERE s.tenant_id IN (SELECT id FROM bench_tenants)`,
		`CREATE TEMP TABLE bench_vlans AS
		 SELECT v.tenant_id, z.site_id, v.number / 10 - 1 AS vidx, v.id AS vlan_id
		 FROM vlans v JOIN zones z ON z.tenant_id = v.tenant_id AND z.id = v.zone_id
		 WHERE v.tenant_id IN (SELECT id FROM bench_tenants)`,
		`CREATE TEMP TABLE bench_vendors AS
		 SELECT v.tenant_id, d.idx, v.id AS vendor_id, d.name, d.cpe_vendor,
		        upper(left(regexp_replace(d.name, '[^A-Za-z]', '', 'g'), 3)) AS serial_prefix
		 FROM vendors v JOIN bench_vendor_defs d ON d.name = v.name WHERE v.tenant_id IN (SELECT id FROM bench_tenants)`,
		`CREATE INDEX ON bench_vlans (tenant_id, site_id, vidx)`,
		`CREATE INDEX ON bench_vendors (tenant_id, idx)`,
		`ANALYZE bench_sites`, `ANALYZE bench_vlans`, `ANALYZE bench_vendors`, `ANALYZE bench_types`,
	}
	for i, s := range stmts {
		var args []any
		if i == 1 {
			args = []any{tenants}
		}
		if _, err := conn.ExecContext(ctx, s, args...); err != nil {
			return fmt.Errorf("seeding the hierarchy: %w\n%s", err, s)
		}
	}
	return nil
}

// seedAssetsSQL makes n assets of tenant $1 (tenant index $2 varies the
// serial numbers) into the temporary table bench_rows.
const seedAssetsSQL = `
CREATE TEMP TABLE bench_rows AS
WITH base AS MATERIALIZED (
	SELECT g.n, random() AS r_site, random() AS r_cat, random() AS r_type, random() AS r_var, random() AS r_vlan,
	       random() AS r_vlan2, random() AS r_host, random() AS r_ip, random() AS r_ip2, random() AS r_mac2,
	       random() AS r_vendor, random() AS r_crit, random() AS r_life, random() AS r_src, random() AS r_seen,
	       random() AS r_seen2, random() AS r_created, random() AS r_upd, random() AS r_tag1, random() AS r_tag2,
	       random() AS r_os, random() AS r_cpe, random() AS r_note
	FROM generate_series(1, $3::int) AS g(n)
), typed AS (
	SELECT b.*, s.site_id, s.site_idx, s.code, t.category, t.type, t.prefix, t.p_hostname, t.p_ip,
	       1 + floor(b.r_var * cardinality(t.models))::int AS vi, t.vendors, t.models, t.oses,
	       t.vlans[1 + floor(b.r_vlan * cardinality(t.vlans))::int] AS vidx
	FROM base b
	JOIN bench_sites s ON s.tenant_id = $1 AND b.r_site >= s.lo AND b.r_site < s.hi
	JOIN bench_types t ON t.category = CASE WHEN b.r_cat < 0.6 THEN 'ot' ELSE 'it' END
	                  AND b.r_type >= t.lo AND b.r_type < t.hi
), numbered AS (
	SELECT ty.*,
	       row_number() OVER (PARTITION BY ty.site_idx, ty.type ORDER BY ty.n) AS seq,
	       row_number() OVER (PARTITION BY ty.site_idx, ty.vidx ORDER BY ty.n) AS k
	FROM typed ty
), named AS (
	SELECT nb.*, nb.prefix || '-' || nb.code || '-' || lpad(nb.seq::text, greatest(4, length(nb.seq::text)), '0') AS name,
	       vd.vendor_id AS vendor, vd.cpe_vendor, vd.serial_prefix, nb.models[nb.vi] AS model
	FROM numbered nb
	JOIN bench_vendors vd ON vd.tenant_id = $1 AND vd.idx = nb.vendors[nb.vi]
), addressed AS (
	SELECT nm.*,
	       CASE WHEN nm.r_host < nm.p_hostname THEN
	            lower(nm.name) || CASE WHEN nm.category = 'it' THEN '.' || lower(nm.code) || '.corp.example.com' ELSE '' END
	       ELSE '' END AS hostname,
	       CASE WHEN nm.r_ip >= nm.p_ip THEN ARRAY[]::text[]
	            WHEN nm.r_ip2 < 0.25 THEN ARRAY[
	                 '10.' || (16 * nm.site_idx + nm.vidx) || '.' || (nm.k / 250) || '.' || (nm.k % 250 + 2),
	                 '172.' || (16 + nm.site_idx) || '.' || (nm.k / 250 % 256) || '.' || (nm.k % 250 + 2)]
	            ELSE ARRAY['10.' || (16 * nm.site_idx + nm.vidx) || '.' || (nm.k / 250) || '.' || (nm.k % 250 + 2)]
	       END AS ips,
	       nm.serial_prefix || lpad(((nm.n::bigint * 7919 + $2::int * 104729) % 10000000)::text, 7, '0') AS serial,
	       '00:' || lpad(to_hex(nm.vendors[nm.vi] * 7 % 256), 2, '0') || ':' || lpad(to_hex(nm.vendors[nm.vi] * 13 % 256), 2, '0') AS oui,
	       ':' || lpad(to_hex(nm.h1 >> 16 & 255), 2, '0') || ':' || lpad(to_hex(nm.h1 >> 8 & 255), 2, '0') || ':' || lpad(to_hex(nm.h1 & 255), 2, '0') AS nic1,
	       ':' || lpad(to_hex(nm.h2 >> 16 & 255), 2, '0') || ':' || lpad(to_hex(nm.h2 >> 8 & 255), 2, '0') || ':' || lpad(to_hex(nm.h2 & 255), 2, '0') AS nic2
	FROM (SELECT x.*, (x.n * 2654435761 + $2::int * 97) % 16777216 AS h1, (x.n * 2654435761 + 40503 + $2::int * 97) % 16777216 AS h2
	      FROM named x) nm
), full_rows AS (
	SELECT a.*,
	       CASE WHEN cardinality(a.ips) = 0 THEN ARRAY[]::text[]
	            WHEN cardinality(a.ips) = 2 OR a.r_mac2 < 0.1 THEN ARRAY[a.oui || a.nic1, a.oui || a.nic2]
	            ELSE ARRAY[a.oui || a.nic1] END AS macs,
	       CASE WHEN a.r_life < 0.04 THEN 'planned' WHEN a.r_life < 0.10 THEN 'decommissioned'
	            WHEN a.r_life < 0.15 THEN 'discovered' ELSE 'active' END AS lifecycle,
	       (CASE WHEN a.category = 'ot'
	             THEN ARRAY['safety', 'line-1', 'line-2', 'line-3', 'remote-access', 'legacy', 'iec-62443', 'spare']
	             ELSE ARRAY['pci', 'backup', 'legacy', 'remote-access', 'patch-group-a', 'patch-group-b', 'monitoring', 'spare']
	        END)[1 + floor(a.r_tag1 * 16)::int] AS tag1,
	       (ARRAY['critical-path', 'vendor-managed', 'eol-2027', 'audit-2025'])[1 + floor(a.r_tag2 * 20)::int] AS tag2
	FROM addressed a
)
SELECT gen_random_uuid() AS id, f.site_id, f.site_idx, f.vidx, f.r_vlan2, f.name, f.category, f.type, f.ips, f.macs, f.hostname,
       CASE WHEN f.r_vendor < 0.9 THEN f.vendor END AS vendor_id, f.model, f.serial,
       CASE WHEN f.category = 'ot' THEN 'V' || (f.n % 4 + 1) || '.' || (f.n % 10) || '.' || (f.n % 17)
            ELSE (f.n % 3 + 1) || '.' || (f.n % 12) || '.' || (f.n % 40) END AS firmware,
       f.oses[1 + floor(f.r_os * cardinality(f.oses))::int] AS os,
       CASE WHEN f.r_cpe < 0.3 THEN ARRAY['cpe:2.3:h:' || f.cpe_vendor || ':' ||
            lower(regexp_replace(f.model, '[^A-Za-z0-9]+', '_', 'g')) || ':-:*:*:*:*:*:*:*'] ELSE ARRAY[]::text[] END AS cpe,
       CASE WHEN f.r_crit < 0.30 THEN 'low' WHEN f.r_crit < 0.70 THEN 'medium' WHEN f.r_crit < 0.92 THEN 'high'
            ELSE 'critical' END AS criticality,
       f.lifecycle,
       (CASE WHEN f.category = 'ot' THEN ARRAY['OT Engineering', 'Maintenance', 'Process Control']
             ELSE ARRAY['IT Operations', 'Infrastructure', 'Service Desk'] END)[1 + f.n % 3] AS owner,
       'Hall ' || (f.n % 7 + 1) || ', cabinet ' || (f.n % 40 + 1) AS location_detail,
       CASE WHEN f.r_tag1 < 0.5 AND f.r_tag2 < 0.2 THEN ARRAY[f.tag1, f.tag2]
            WHEN f.r_tag1 < 0.5 THEN ARRAY[f.tag1]
            WHEN f.r_tag2 < 0.2 THEN ARRAY[f.tag2]
            ELSE ARRAY[]::text[] END AS tags,
       CASE WHEN f.r_note < 0.05 THEN 'Replaced after a failure; spare parts in the ' || f.code || ' store.' ELSE '' END AS notes,
       CASE WHEN f.lifecycle = 'discovered' THEN 'discovery' WHEN f.r_src < 0.5 THEN 'manual'
            WHEN f.r_src < 0.85 THEN 'import' ELSE 'discovery' END AS source,
       f.r_seen, f.r_seen2, f.r_created, f.r_upd
FROM full_rows f`

// insertAssetsSQL moves bench_rows into assets; search_text is
// cmdb.assetSearchText of the same values.
const insertAssetsSQL = `
INSERT INTO assets (tenant_id, id, site_id, name, category, type, ip_addresses, mac_addresses, hostname, vendor_id,
	model, serial_number, firmware_version, os, cpe, criticality, lifecycle, owner, location_detail, tags, notes,
	source, first_seen, last_seen, observed, search_text, created_at, updated_at)
SELECT $1, r.id, r.site_id, r.name, r.category, r.type, r.ips::inet[], r.macs::macaddr[], r.hostname, r.vendor_id,
       r.model, r.serial, r.firmware, r.os, r.cpe, r.criticality, r.lifecycle, r.owner, r.location_detail, r.tags, r.notes,
       r.source, s.last_seen - r.r_seen2 * interval '700 days', s.last_seen,
       CASE WHEN r.source = 'discovery' THEN jsonb_build_object('hostname', r.hostname, 'model', r.model,
            'firmware_version', r.firmware, 'serial_number', r.serial, 'open_ports',
            CASE WHEN r.category = 'ot' THEN '[102, 502, 44818]'::jsonb ELSE '[22, 443, 3389]'::jsonb END)
            ELSE '{}'::jsonb END,
       lower(array_to_string(ARRAY[r.name, r.hostname, r.serial, r.model] || r.ips || r.macs, ' ')),
       c.created_at, c.created_at + (now() - c.created_at) * r.r_upd
FROM bench_rows r
CROSS JOIN LATERAL (SELECT CASE WHEN r.source = 'discovery' OR r.r_seen < 0.5
                                THEN now() - r.r_seen * interval '30 days' END AS last_seen) s
CROSS JOIN LATERAL (SELECT now() - r.r_created * interval '1100 days' AS created_at) c`

// insertAssetVLANsSQL links every asset to its VLAN, and one in ten to a
// second VLAN of its site.
const insertAssetVLANsSQL = `
INSERT INTO asset_vlans (tenant_id, asset_id, vlan_id)
SELECT $1, r.id, v.vlan_id FROM bench_rows r
JOIN bench_vlans v ON v.tenant_id = $1 AND v.site_id = r.site_id
 AND (v.vidx = r.vidx OR (r.r_vlan2 < 0.1 AND v.vidx = (r.vidx + 1) % 8))`

// seedAssets fills n assets into each tenant, one tenant per statement.
// Loading into indexed tables row by row is what makes seeding slow, so
// the secondary indexes of assets and asset_vlans are dropped first and
// built again afterwards from their own definitions (pg_get_indexdef: the
// same indexes the migrations made), and foreign-key triggers are off
// (session_replication_role = replica) while rows built from existing
// keys go in; checkSeedReferences proves them afterwards.
func seedAssets(ctx context.Context, conn *sql.Conn, tenants []uuid.UUID, n int, progress func(i int, d time.Duration)) ([]time.Duration, time.Duration, error) {
	rows, err := conn.QueryContext(ctx, `SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid IN ('assets'::regclass, 'asset_vlans'::regclass) AND NOT i.indisprimary
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
		ORDER BY c.relname`)
	if err != nil {
		return nil, 0, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, 0, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	_ = rows.Close()
	for _, name := range names {
		if _, err := conn.ExecContext(ctx, `DROP INDEX `+pgIdent(name)); err != nil {
			return nil, 0, err
		}
	}
	if _, err := conn.ExecContext(ctx, `SET session_replication_role = replica`); err != nil {
		return nil, 0, err
	}
	var took []time.Duration
	for i, t := range tenants {
		start := time.Now()
		for _, step := range []struct {
			sql  string
			args []any
		}{
			{`DROP TABLE IF EXISTS bench_rows`, nil},
			{seedAssetsSQL, []any{t, i, n}},
			{insertAssetsSQL, []any{t}},
			{insertAssetVLANsSQL, []any{t}},
		} {
			if _, err := conn.ExecContext(ctx, step.sql, step.args...); err != nil {
				return nil, 0, fmt.Errorf("seeding the assets of tenant %d: %w", i+1, err)
			}
		}
		took = append(took, time.Since(start))
		if progress != nil {
			progress(i, time.Since(start))
		}
	}
	for _, s := range []string{`DROP TABLE IF EXISTS bench_rows`, `RESET session_replication_role`} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return nil, 0, err
		}
	}
	start := time.Now()
	for _, def := range defs {
		if _, err := conn.ExecContext(ctx, def); err != nil {
			return nil, 0, fmt.Errorf("rebuilding an index: %w\n%s", err, def)
		}
	}
	return took, time.Since(start), checkSeedReferences(ctx, conn)
}

// checkSeedReferences proves what the foreign keys would have: every
// asset's site and vendor, and every link's asset and VLAN, exist in the
// same tenant.
func checkSeedReferences(ctx context.Context, conn *sql.Conn) error {
	var bad int
	err := conn.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM assets a WHERE NOT EXISTS (SELECT 1 FROM sites s WHERE s.tenant_id = a.tenant_id AND s.id = a.site_id)) +
		(SELECT count(*) FROM assets a WHERE a.vendor_id IS NOT NULL
		   AND NOT EXISTS (SELECT 1 FROM vendors v WHERE v.tenant_id = a.tenant_id AND v.id = a.vendor_id)) +
		(SELECT count(*) FROM asset_vlans l WHERE NOT EXISTS (SELECT 1 FROM assets a WHERE a.tenant_id = l.tenant_id AND a.id = l.asset_id)) +
		(SELECT count(*) FROM asset_vlans l WHERE NOT EXISTS (SELECT 1 FROM vlans v WHERE v.tenant_id = l.tenant_id AND v.id = l.vlan_id))`).Scan(&bad)
	if err == nil && bad > 0 {
		err = fmt.Errorf("the seed wrote %d rows whose references do not exist", bad)
	}
	return err
}

func pgIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
