import { describe, expect, it } from 'vitest';
import { settingsPatch, toForm, type TenantSettings } from './settings';

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
