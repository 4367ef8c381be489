import { describe, expect, it } from 'vitest';
import { allOf } from './types';

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
