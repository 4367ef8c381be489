import { checkFields, tenantKey } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import * as z from 'zod/mini';
import { api } from '../../../lib/api';
import type { Schema } from '../../../lib/types';
import { atMost, filled, wholeNumber } from '../../../lib/validation';

export type TenantSettings = Schema<'TenantSettings'>;

export type SettingsForm = Omit<TenantSettings, 'version' | 'ingest_events_retention_days' | 'audit_retention_days'> & {
  ingest_events_retention_days: string;
  audit_retention_days: string;
};

export const settingsQuery = (t: string | null) =>
  queryOptions({ queryKey: tenantKey(t, 'settings', 'tenant'), queryFn: ({ signal }) => api.get<TenantSettings>('/settings/tenant', undefined, signal) });

export const toForm = (s: TenantSettings): SettingsForm => ({
  ...s,
  ingest_events_retention_days: String(s.ingest_events_retention_days),
  audit_retention_days: String(s.audit_retention_days),
});

const settingsSchema = z.object({
  display_name: z.string().check(filled('Enter the name of your organisation.'), atMost(200)),
  timezone: z.string().check(filled('Enter a time zone such as Europe/Berlin.')),
  ingest_events_retention_days: wholeNumber(1, 3650, 'A whole number of days from 1 to 3650.'),
  audit_retention_days: wholeNumber(30, 3650, 'A whole number of days from 30 to 3650.'),
});

/** The client's check of the form; the server checks again (a known time zone, the sign-in policies). */
export const validateSettings = (form: SettingsForm): Record<string, string> => checkFields(settingsSchema, form);

/**
 * The patch of the fields that changed: the server asks for extra permissions only for the
 * groups of fields a patch touches (sign-in policies, retention).
 */
export function settingsPatch(before: TenantSettings, form: SettingsForm): Partial<TenantSettings> {
  const after: Omit<TenantSettings, 'version'> = {
    display_name: form.display_name.trim(),
    timezone: form.timezone.trim(),
    auth_policy: form.auth_policy,
    mfa_policy: form.mfa_policy,
    ingest_events_retention_days: Number(form.ingest_events_retention_days),
    audit_retention_days: Number(form.audit_retention_days),
  };
  const patch: Partial<TenantSettings> = {};
  for (const k of Object.keys(after) as (keyof typeof after)[]) if (after[k] !== before[k]) (patch as Record<string, unknown>)[k] = after[k];
  return patch;
}

export const saveSettings = (version: number, patch: Partial<TenantSettings>) => api.patch<TenantSettings>('/settings/tenant', { ...patch, version } satisfies Schema<'SettingsPatch'>);
