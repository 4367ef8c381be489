import { describe, expect, it } from 'vitest';
import { humanize, IT_TYPES, OT_TYPES } from './cmdb';

describe('humanize', () => {
  it.each([
    // sentence case
    ['virtual_machine', 'Virtual machine'],
    ['false_positive', 'False positive'],
    ['critical', 'Critical'],
    ['', ''],
    // acronyms in capitals, at the start or inside a label
    ['plc', 'PLC'],
    ['dcs_controller', 'DCS controller'],
    ['scada_server', 'SCADA server'],
    ['wireless_ap', 'Wireless AP'],
    ['vpn_gateway', 'VPN gateway'],
    ['other_ot', 'Other OT'],
    ['opc_ua_server', 'OPC UA server'],
    // whole words only
    ['snapshot', 'Snapshot'],
    ['mapping_update', 'Mapping update'],
    ['itself', 'Itself'],
    ['constructor', 'Constructor'],
  ])('%s → %s', (value, label) => {
    expect(humanize(value)).toBe(label);
  });

  it('labels every asset type and device role (sensor, vpn_gateway, backup_collector) the screens offer', () => {
    expect([...IT_TYPES, ...OT_TYPES, 'sensor', 'vpn_gateway', 'backup_collector'].map(humanize)).toEqual([
      'Server', 'Workstation', 'Virtual machine', 'Switch', 'Router', 'Firewall', 'Wireless AP', 'Storage',
      'Cloud service', 'Printer', 'Other',
      'PLC', 'RTU', 'DCS controller', 'SCADA server', 'HMI', 'Historian', 'Engineering station', 'Industrial switch',
      'Protocol gateway', 'Sensor', 'Actuator', 'Drive', 'Robot', 'Safety system', 'Other OT',
      'Sensor', 'VPN gateway', 'Backup collector',
    ]);
  });
});
