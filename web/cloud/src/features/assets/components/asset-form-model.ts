import { allOf, checkFields } from '@monozu/api';
import * as z from 'zod/mini';
import { TYPES_BY_CATEGORY, type Asset, type Category } from '../../../lib/cmdb';
import { atMost, filled } from '../../../lib/validation';
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

/** Text of at most max characters. */
const text = (max: number) => z.string().check(atMost(max));

/** A list of at most max items, each checked by item. */
const list = (max: number, message: string, item = z.string()) => z.array(item).check(z.maxLength(max, message));

const assetSchema = z
  .object({
    name: z.string().check(filled('Enter a name.'), atMost(200)),
    category: z.enum(allOf<Category>()(['it', 'ot'])),
    type: z.string().check(z.minLength(1, 'Choose a type.')),
    site_id: z.string().check(z.minLength(1, 'Choose a site.')),
    model: text(200),
    serial_number: text(200),
    firmware_version: text(200),
    os: text(200),
    owner: text(200),
    hostname: text(253),
    location_detail: text(500),
    notes: text(20000),
    vlan_ids: list(64, 'At most 64 VLANs.'),
    ip_addresses: list(64, 'At most 64 addresses.'),
    mac_addresses: list(64, 'At most 64 addresses.'),
    cpe: list(50, 'At most 50 CPE names.', z.string().check(z.startsWith('cpe:2.3:', 'A CPE 2.3 name starts with "cpe:2.3:".'))),
    tags: list(50, 'At most 50 tags.', z.string().check(z.refine((t) => t.length <= 64 && !t.includes(';'), 'At most 64 characters, without ";".'))),
  })
  .check(
    z.refine((v) => !v.type || TYPES_BY_CATEGORY[v.category].includes(v.type), { path: ['type'], message: 'This type does not belong to the category.' }),
  );

/** Client checks before sending (the server checks everything again and its messages win). */
export const validateAsset = (v: AssetInput): Record<string, string> => checkFields(assetSchema, v);
