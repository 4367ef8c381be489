import { describe, expect, it } from 'vitest';
import { allOf, type Narrow } from './types';

type Level = 'low' | 'high';

describe('allOf', () => {
  it('returns the list of every member', () => {
    expect(allOf<Level>()(['low', 'high'])).toEqual(['low', 'high']);
  });

  it('does not compile when a member is missing or unknown', () => {
    // @ts-expect-error 'high' is missing
    allOf<Level>()(['low']);
    // @ts-expect-error 'medium' is not a Level
    allOf<Level>()(['low', 'high', 'medium']);
  });
});

describe('Narrow', () => {
  type Schema = { id: string; data: unknown; counts: Record<string, number> };
  it('narrows fields to types that fit them, and only those', () => {
    const n: Narrow<Schema, { data: { cpu: number } | null; counts: Record<'a' | 'b', number> }> = { id: 'x', data: null, counts: { a: 1, b: 2 } };
    expect(n.counts.a).toBe(1);
    // @ts-expect-error a number does not fit the schema's Record<string, number>
    const wrong: Narrow<Schema, { counts: number }> = { id: 'x', data: null, counts: 1 };
    // @ts-expect-error the schema has no field "extra"
    const extra: Narrow<Schema, { extra: string }> = { id: 'x', data: null, counts: {}, extra: '' };
    expect([wrong, extra]).toHaveLength(2);
  });
});
