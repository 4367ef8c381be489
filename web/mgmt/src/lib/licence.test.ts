import { describe, expect, it } from 'vitest';
import { licenceFormDefaults, licenceState, licenceStateLabel, serverLicenceErrors, validateLicenceForm, type LicenceFormValues } from './licence';
import type { License } from './types';

const base = (): LicenceFormValues => ({ ...licenceFormDefaults(null, new Date('2026-03-01T10:00:00Z')) });

const lic = (over: Partial<License> = {}): License => ({
  plan: 'enterprise',
  features: ['security'],
  limits: { max_assets: 100, max_devices: 5, max_users: 0 },
  starts_at: '2026-01-01T00:00:00Z',
  expires_at: '2026-12-31T00:00:00Z',
  grace_days: 14,
  notes: 'n',
  issued_at: '2026-01-01T00:00:00Z',
  version: 3,
  ...over,
});

describe('validateLicenceForm', () => {
  it('builds the request body from valid values', () => {
    const res = validateLicenceForm(
      { ...base(), features: ['vpn', 'security', 'vpn'], max_assets: ' 250 ', expires_at: '2027-03-01', notes: '  hi ' },
      0,
    );
    expect(res).toEqual({
      ok: true,
      input: {
        plan: 'standard',
        features: ['security', 'vpn'],
        limits: { max_assets: 250, max_devices: 0, max_users: 0 },
        starts_at: '2026-03-01T00:00:00Z',
        expires_at: '2027-03-01T00:00:00Z',
        grace_days: 14,
        notes: 'hi',
        version: 0,
      },
    });
  });

  it('uses the custom plan name and sends no end when expiry is empty', () => {
    const res = validateLicenceForm({ ...base(), planKind: 'custom', customPlan: ' pilot ' }, 2);
    expect(res.ok && res.input).toMatchObject({ plan: 'pilot', expires_at: null, version: 2 });
  });

  it('reports every invalid field with the server field names', () => {
    const res = validateLicenceForm(
      {
        ...base(),
        planKind: 'custom',
        customPlan: '  ',
        features: ['teleport'],
        max_assets: '-1',
        max_devices: '1.5',
        max_users: '',
        starts_at: '2026-02-30',
        grace_days: '366',
        notes: 'x'.repeat(2001),
      },
      0,
    );
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(Object.keys(res.errors).sort()).toEqual(
      ['features', 'grace_days', 'limits.max_assets', 'limits.max_devices', 'limits.max_users', 'notes', 'plan', 'starts_at'].sort(),
    );
  });

  it('keeps the messages per field', () => {
    const res = validateLicenceForm({ ...base(), planKind: 'standard', features: ['vpn', 'teleport'], max_users: '99999999999999999999', starts_at: '', expires_at: '2026-13-01', grace_days: 'x' }, 0);
    expect(res).toEqual({
      ok: false,
      errors: {
        features: 'Only security, VPN and backup can be licensed.',
        'limits.max_users': 'Enter a whole number, 0 for unlimited.',
        starts_at: 'Enter the start date.',
        expires_at: 'Enter a valid date.',
        grace_days: 'Enter 0 to 365 days.',
      },
    });
    const custom = validateLicenceForm({ ...base(), planKind: 'custom', customPlan: '', max_devices: ' 3 ', expires_at: '2026-02-01' }, 0);
    expect(custom.ok ? null : custom.errors).toEqual({ plan: 'Enter the name of the custom plan.', expires_at: 'The end must be after the start.' });
  });

  it('requires the end to be after the start', () => {
    const same = validateLicenceForm({ ...base(), starts_at: '2026-05-01', expires_at: '2026-05-01' }, 0);
    expect(same.ok ? null : same.errors.expires_at).toMatch(/after the start/);
    const plan = validateLicenceForm({ ...base(), planKind: 'custom', customPlan: 'p'.repeat(65) }, 0);
    expect(plan.ok ? null : plan.errors.plan).toMatch(/64/);
  });

  it('prefills from the licence in force', () => {
    const v = licenceFormDefaults(lic({ plan: 'pilot' }));
    expect(v).toMatchObject({ planKind: 'custom', customPlan: 'pilot', max_assets: '100', starts_at: '2026-01-01', expires_at: '2026-12-31' });
  });
});

describe('serverLicenceErrors', () => {
  it('folds indexed feature errors onto the modules field', () => {
    expect(serverLicenceErrors({ 'features[1]': 'unknown', 'limits.max_users': 'bad' })).toEqual({
      features: 'unknown',
      'limits.max_users': 'bad',
    });
  });
});

describe('licenceState', () => {
  it('covers scheduled, in force, expiring, grace and expired', () => {
    const l = lic();
    expect(licenceState(null).state).toBe('none');
    expect(licenceState(l, new Date('2025-12-30T00:00:00Z'))).toEqual({ state: 'scheduled', days: 2 });
    expect(licenceState(l, new Date('2026-06-01T00:00:00Z')).state).toBe('active');
    expect(licenceState(l, new Date('2026-12-21T00:00:00Z'))).toEqual({ state: 'expiring', days: 10 });
    expect(licenceState(l, new Date('2027-01-05T00:00:00Z'))).toEqual({ state: 'grace', days: 9 });
    expect(licenceState(l, new Date('2027-01-20T00:00:00Z')).state).toBe('expired');
    expect(licenceState(lic({ expires_at: null }), new Date('2030-01-01T00:00:00Z')).state).toBe('active');
    expect(licenceStateLabel({ state: 'grace', days: 1 })).toBe('Expired — grace ends in 1 day');
  });
});
