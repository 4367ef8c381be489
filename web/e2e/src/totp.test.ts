import { describe, expect, it } from 'vitest';
import { base32Decode, totp, totpAt } from './totp.js';

describe('totp', () => {
  // RFC 6238 appendix B, SHA-1 key "12345678901234567890", 8 digits.
  const key = Buffer.from('12345678901234567890');
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
  ])('matches the RFC vector at %i s', (seconds, want) => {
    expect(totpAt(key, Math.floor(seconds / 30), 8)).toBe(want);
  });

  it('decodes base32 secrets as authenticator apps do', () => {
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').toString()).toBe('12345678901234567890');
    expect(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq====').toString()).toBe('12345678901234567890');
    expect(() => base32Decode('GEZ1')).toThrow(/not base32/);
  });

  it('computes six digits from a base32 secret', () => {
    expect(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000)).toBe('287082');
  });
});
