import { describe, expect, it } from 'vitest';
import { toNewKey } from './key-form';

const now = new Date('2026-12-01T12:00:00Z');

describe('toNewKey', () => {
  it('sends only what is set, the expiry as RFC 3339', () => {
    expect(toNewKey({ label: ' Plant A ', expires: '', maxUses: '', siteId: '' }, now)).toEqual({ body: { label: 'Plant A' } });
    const r = toNewKey({ label: 'x', expires: '2026-12-02T12:00:00Z', maxUses: '5', siteId: 's1' }, now);
    expect(r).toEqual({ body: { label: 'x', expires_at: '2026-12-02T12:00:00.000Z', max_uses: 5, site_id: 's1' } });
  });
  it('names each bad field by its API name', () => {
    expect(toNewKey({ label: '', expires: '2026-11-30T00:00:00Z', maxUses: '0', siteId: '' }, now)).toEqual({
      errors: { label: 'Enter a label.', expires_at: 'Choose a time in the future.', max_uses: 'A whole number from 1 to 100000.' },
    });
  });
  it('wants a real time, a whole number of uses and a label of at most 200 characters', () => {
    expect(toNewKey({ label: 'l'.repeat(201), expires: 'soon', maxUses: '2.5', siteId: '' }, now)).toEqual({
      errors: { label: 'At most 200 characters.', expires_at: 'Enter a date and time.', max_uses: 'A whole number from 1 to 100000.' },
    });
    expect(toNewKey({ label: 'x', expires: '', maxUses: 'many', siteId: '' }, now)).toEqual({ errors: { max_uses: 'A whole number from 1 to 100000.' } });
  });
});
