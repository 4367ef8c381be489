import { describe, expect, it } from 'vitest';
import { validateGroup } from './groups';

describe('validateGroup', () => {
  it('wants a name of 1–100 characters and a description of at most 1,000', () => {
    expect(validateGroup({ name: 'n'.repeat(100), description: 'd'.repeat(1000), permissions: [] })).toEqual({});
    expect(validateGroup({ name: '', description: '', permissions: [] })).toEqual({ name: 'Enter a name.' });
    expect(validateGroup({ name: 'n'.repeat(101), description: 'd'.repeat(1001), permissions: [] })).toEqual({ name: 'At most 100 characters.', description: 'At most 1,000 characters.' });
  });
});
