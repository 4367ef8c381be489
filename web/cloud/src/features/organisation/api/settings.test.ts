import { describe, expect, it } from 'vitest';
import { settingsPatch, toForm, validateSettings, type TenantSettings } from './settings';

const before: TenantSettings = {
  display_name: 'ACME',
  timezone: 'UTC',
  auth_policy: 'standard',
  mfa_policy: 'optional',
  ingest_events_retention_days: 30,
  audit_retention_days: 365,
  version: 4,
};

describe('settingsPatch', () => {
  it('is empty when nothing changed', () => {
    expect(settingsPatch(before, toForm(before))).toEqual({});
  });
  it('holds only the changed fields, numbers as numbers', () => {
    expect(settingsPatch(before, { ...toForm(before), display_name: ' ACME Plant ', audit_retention_days: '400' })).toEqual({
      display_name: 'ACME Plant',
      audit_retention_days: 400,
    });
  });
});

describe('validateSettings', () => {
  it('accepts the settings as read', () => {
    expect(validateSettings(toForm(before))).toEqual({});
  });
  it('wants a name, a time zone and whole numbers of days in range (a number the old form sent as null)', () => {
    expect(validateSettings({ ...toForm(before), display_name: ' ', timezone: '', ingest_events_retention_days: 'ten', audit_retention_days: '29' })).toEqual({
      display_name: 'Enter the name of your organisation.',
      timezone: 'Enter a time zone such as Europe/Berlin.',
      ingest_events_retention_days: 'A whole number of days from 1 to 3650.',
      audit_retention_days: 'A whole number of days from 30 to 3650.',
    });
  });
});
