import { TYPES_BY_CATEGORY, type Asset } from '../../../lib/cmdb';
import type { AssetInput } from '../api/assets';

export const emptyAsset = (siteId = ''): AssetInput => ({
  name: '',
  category: 'it',
  type: '',
  site_id: siteId,
  vlan_ids: [],
  ip_addresses: [],
  mac_addresses: [],
  hostname: '',
  vendor_id: null,
  model: '',
  serial_number: '',
  firmware_version: '',
  os: '',
  cpe: [],
  criticality: 'medium',
  lifecycle: 'active',
  owner: '',
  location_detail: '',
  tags: [],
  notes: '',
});

export function inputFromAsset(a: Asset): AssetInput {
  return {
    name: a.name,
    category: a.category,
    type: a.type,
    site_id: a.site_id,
    vlan_ids: [...a.vlan_ids],
    ip_addresses: [...a.ip_addresses],
    mac_addresses: [...a.mac_addresses],
    hostname: a.hostname,
    vendor_id: a.vendor_id,
    model: a.model,
    serial_number: a.serial_number,
    firmware_version: a.firmware_version,
    os: a.os,
    cpe: [...a.cpe],
    criticality: a.criticality,
    lifecycle: a.lifecycle === 'discovered' ? 'active' : a.lifecycle,
    owner: a.owner,
    location_detail: a.location_detail,
    tags: [...a.tags],
    notes: a.notes,
  };
}

const MAX: Partial<Record<keyof AssetInput, number>> = {
  name: 200,
  model: 200,
  serial_number: 200,
  firmware_version: 200,
  os: 200,
  owner: 200,
  hostname: 253,
  location_detail: 500,
  notes: 20000,
};

/** Client checks before sending (the server checks everything again and its messages win). */
export function validateAsset(v: AssetInput): Record<string, string> {
  const e: Record<string, string> = {};
  if (!v.name.trim()) e.name = 'Enter a name.';
  if (!v.site_id) e.site_id = 'Choose a site.';
  if (!v.type) e.type = 'Choose a type.';
  else if (!TYPES_BY_CATEGORY[v.category].includes(v.type)) e.type = 'This type does not belong to the category.';
  for (const [k, max] of Object.entries(MAX) as [keyof AssetInput, number][]) {
    const s = v[k];
    if (typeof s === 'string' && s.trim().length > max) e[k] = 'At most ' + String(max) + ' characters.';
  }
  if (v.vlan_ids.length > 64) e.vlan_ids = 'At most 64 VLANs.';
  if (v.ip_addresses.length > 64) e.ip_addresses = 'At most 64 addresses.';
  if (v.mac_addresses.length > 64) e.mac_addresses = 'At most 64 addresses.';
  if (v.cpe.length > 50) e.cpe = 'At most 50 CPE names.';
  if (v.tags.length > 50) e.tags = 'At most 50 tags.';
  v.tags.forEach((t, i) => {
    if (t.length > 64 || t.includes(';')) e['tags[' + String(i) + ']'] = 'At most 64 characters, without ";".';
  });
  v.cpe.forEach((c, i) => {
    if (!c.startsWith('cpe:2.3:')) e['cpe[' + String(i) + ']'] = 'A CPE 2.3 name starts with "cpe:2.3:".';
  });
  return e;
}
