import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { checkFields, fieldKey, parseFields } from './validation';

describe('fieldKey', () => {
  it('names a path as the server names fields', () => {
    expect(fieldKey(['name'])).toBe('name');
    expect(fieldKey(['limits', 'max_assets'])).toBe('limits.max_assets');
    expect(fieldKey(['tags', 1])).toBe('tags[1]');
    expect(fieldKey(['hosts', 0, 'ip'])).toBe('hosts[0].ip');
    expect(fieldKey([])).toBe('');
  });
});

const schema = z.object({
  name: z.string().check(z.trim(), z.minLength(1, 'Enter a name.'), z.maxLength(5, 'At most 5 characters.')),
  limits: z.object({ max: z.number().check(z.minimum(0, 'Not negative.')) }),
  tags: z.array(z.string().check(z.refine((t) => !t.includes(';'), 'No ";".'))),
});

describe('parseFields', () => {
  it('gives the output of a valid value', () => {
    expect(parseFields(schema, { name: ' ab ', limits: { max: 1 }, tags: ['x'] })).toEqual({ ok: true, data: { name: 'ab', limits: { max: 1 }, tags: ['x'] } });
  });

  it('keys the first message of each field like ApiError.fieldErrors', () => {
    expect(parseFields(schema, { name: '   ', limits: { max: -1 }, tags: ['ok', 'a;b', 'c;d'] })).toEqual({
      ok: false,
      errors: { name: 'Enter a name.', 'limits.max': 'Not negative.', 'tags[1]': 'No ";".', 'tags[2]': 'No ";".' },
    });
  });
});

describe('checkFields', () => {
  it('is empty for a valid value, else the messages', () => {
    expect(checkFields(schema, { name: 'a', limits: { max: 0 }, tags: [] })).toEqual({});
    expect(checkFields(schema, { name: 'abcdefgh', limits: { max: 0 }, tags: [] })).toEqual({ name: 'At most 5 characters.' });
  });
});
