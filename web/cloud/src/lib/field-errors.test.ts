import { ApiError } from '@monozu/api';
import { describe, expect, it } from 'vitest';
import { fieldErrorsOf, listFieldMessage, splitFieldErrors, unplacedErrors } from './field-errors';

describe('server field errors', () => {
  it('splits indexed list errors from plain fields', () => {
    const m = splitFieldErrors({
      name: 'is required',
      'vlan_ids[1]': 'VLAN 20 belongs to site B',
      'ip_addresses[0]': '"zz" is not an address',
      'ip_addresses[3]': 'bad too',
      'content.nodes[2].id': 'duplicate',
    });
    expect(m.fields).toEqual({ name: 'is required' });
    expect(m.items.vlan_ids).toEqual({ 1: 'VLAN 20 belongs to site B' });
    expect(m.items.ip_addresses).toEqual({ 0: '"zz" is not an address', 3: 'bad too' });
    expect(m.items['content.nodes']).toEqual({ 2: 'id: duplicate' });
  });

  it('reads an ApiError and ignores other errors', () => {
    const e = ApiError.fromProblem(422, {
      code: 'validation_failed',
      errors: [
        { field: 'ip_addresses[1]', code: 'invalid', message: 'not an IP' },
        { field: 'site_id', code: 'required', message: 'is required' },
      ],
    });
    const m = fieldErrorsOf(e);
    expect(m.items.ip_addresses).toEqual({ 1: 'not an IP' });
    expect(m.fields.site_id).toBe('is required');
    expect(fieldErrorsOf(new Error('x'))).toEqual({ fields: {}, items: {} });
  });

  it('builds one message per list naming items by value or label', () => {
    const m = splitFieldErrors({ 'vlan_ids[1]': 'other site', vlan_ids: 'too many', 'ip_addresses[5]': 'bad' });
    expect(listFieldMessage(m, 'vlan_ids', ['a', 'b'], (id) => 'VLAN ' + id.toUpperCase())).toBe('too many VLAN B: other site');
    expect(listFieldMessage(m, 'ip_addresses', ['1.1.1.1'])).toBe('Item 6: bad');
    expect(listFieldMessage(m, 'tags')).toBeUndefined();
    expect(unplacedErrors(m, ['vlan_ids'])).toEqual(['ip_addresses[5]: bad']);
  });
});
