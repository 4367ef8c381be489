import { describe, expect, it } from 'vitest';
import { emptyAsset, validateAsset } from './asset-form-model';

describe('asset form validation', () => {
  it('requires name, site and a type of the category', () => {
    expect(validateAsset(emptyAsset())).toEqual({ name: 'Enter a name.', site_id: 'Choose a site.', type: 'Choose a type.' });
    const e = validateAsset({ ...emptyAsset('s'), name: 'PLC-1', category: 'it', type: 'plc' });
    expect(e.type).toMatch(/category/);
  });

  it('reports list items by index like the server', () => {
    const e = validateAsset({ ...emptyAsset('s'), name: 'x', category: 'ot', type: 'plc', tags: ['ok', 'a;b'], cpe: ['nope'] });
    expect(e).toEqual({ 'tags[1]': 'At most 64 characters, without ";".', 'cpe[0]': 'A CPE 2.3 name starts with "cpe:2.3:".' });
  });

  it('limits text lengths and list sizes', () => {
    const e = validateAsset({ ...emptyAsset('s'), name: ' ' + 'n'.repeat(200) + ' ', category: 'ot', type: 'plc', hostname: 'h'.repeat(254), notes: 'x'.repeat(20001), vlan_ids: Array<string>(65).fill('v'), tags: Array<string>(51).fill('t') });
    expect(e).toEqual({ hostname: 'At most 253 characters.', notes: 'At most 20000 characters.', vlan_ids: 'At most 64 VLANs.', tags: 'At most 50 tags.' });
  });
});
