import { describe, expect, it } from 'vitest';
import { validateNewOperator } from './operators';

describe('validateNewOperator', () => {
  it('accepts a complete operator', () => {
    expect(validateNewOperator({ email: 'a@b.example', name: 'A', role: 'support', password: 'x'.repeat(12) })).toEqual({});
  });
  it('flags each missing or weak field', () => {
    expect(Object.keys(validateNewOperator({ email: 'nope', name: ' ', role: 'support', password: 'short' })).sort()).toEqual([
      'email',
      'name',
      'password',
    ]);
  });
});
