import { checkFields, parseFields } from '@monozu/api';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { atMost, filled, unlessBlank, wholeNumber } from './validation';

describe('field schemas', () => {
  const schema = z.object({
    name: z.string().check(filled('Enter a name.'), atMost(3)),
    count: wholeNumber(1, 10, '1 to 10.'),
    limit: unlessBlank(wholeNumber(1, 10, '1 to 10.')),
  });

  it('reads whole numbers as typed, leaving a blank optional one out', () => {
    expect(parseFields(schema, { name: ' ab ', count: ' 7 ', limit: '  ' })).toEqual({ ok: true, data: { name: ' ab ', count: 7, limit: undefined } });
    expect(parseFields(schema, { name: 'ab', count: '10', limit: '1' })).toEqual({ ok: true, data: { name: 'ab', count: 10, limit: 1 } });
  });

  it('flags blank or long text and numbers that are not whole or out of range', () => {
    expect(checkFields(schema, { name: '  ', count: '', limit: '0' })).toEqual({ name: 'Enter a name.', count: '1 to 10.', limit: '1 to 10.' });
    expect(checkFields(schema, { name: 'abcd', count: '2.5', limit: 'x' })).toEqual({ name: 'At most 3 characters.', count: '1 to 10.', limit: '1 to 10.' });
  });
});
