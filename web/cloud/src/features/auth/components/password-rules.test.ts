import { describe, expect, it } from 'vitest';
import { ACCOUNT_NAME, checkNewPassword, suggestAccountName } from './password-rules';

describe('checkNewPassword', () => {
  it('wants 12 characters and the same password twice', () => {
    expect(checkNewPassword('short', 'short')).toEqual({ password: 'At least 12 characters.' });
    expect(checkNewPassword('long-enough-pw', 'long-enough-px')).toEqual({ confirm: 'The two passwords differ.' });
    expect(checkNewPassword('long-enough-pw', 'long-enough-pw')).toEqual({});
  });
});

describe('suggestAccountName', () => {
  it('makes a name the server accepts from an organisation name', () => {
    const s = suggestAccountName('  Müller & Söhne Chemie GmbH ');
    expect(s).toBe('muller-sohne-chemie-gmbh');
    expect(ACCOUNT_NAME.test(s)).toBe(true);
  });
  it('never ends on a hyphen after cutting to 63 characters', () => {
    const s = suggestAccountName('a'.repeat(62) + ' b');
    expect(s.endsWith('-')).toBe(false);
  });
});
