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
});
