import { parseFields } from '@monozu/api';
import * as z from 'zod/mini';
import type { License, LicenseInput, Limits } from './types';

/** The optional modules a licence can switch on (the server accepts only these). */
export const FEATURES = [
  { id: 'security', label: 'Security' },
  { id: 'vpn', label: 'VPN' },
  { id: 'backup', label: 'Backup' },
] as const;

const FEATURE_IDS: readonly string[] = FEATURES.map((f) => f.id);

export const KNOWN_PLANS = ['standard', 'enterprise'] as const;
export const DEFAULT_GRACE_DAYS = 14;
export const LIMIT_FIELDS: { key: keyof Limits; label: string }[] = [
  { key: 'max_assets', label: 'Max assets' },
  { key: 'max_devices', label: 'Max edge devices' },
  { key: 'max_users', label: 'Max users' },
];

/** What the licence form edits: strings as typed, dates as YYYY-MM-DD (UTC days). */
export interface LicenceFormValues {
  /** "standard", "enterprise" or "custom" (then customPlan is the name). */
  planKind: string;
  customPlan: string;
  features: string[];
  max_assets: string;
  max_devices: string;
  max_users: string;
  starts_at: string;
  expires_at: string;
  grace_days: string;
  notes: string;
}

/** Field errors keyed like the server's (`plan`, `limits.max_assets`, `expires_at`, …). */
export type LicenceFormErrors = Partial<Record<string, string>>;

function dateOnly(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '';
}

/** Today as YYYY-MM-DD (UTC). */
export function todayUTC(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Form values for a new licence, or for changing the one in force. */
export function licenceFormDefaults(current: License | null, now: Date = new Date()): LicenceFormValues {
  if (!current) {
    return {
      planKind: 'standard',
      customPlan: '',
      features: [],
      max_assets: '0',
      max_devices: '0',
      max_users: '0',
      starts_at: todayUTC(now),
      expires_at: '',
      grace_days: String(DEFAULT_GRACE_DAYS),
      notes: '',
    };
  }
  const known = (KNOWN_PLANS as readonly string[]).includes(current.plan);
  return {
    planKind: known ? current.plan : 'custom',
    customPlan: known ? '' : current.plan,
    features: [...current.features],
    max_assets: String(current.limits.max_assets),
    max_devices: String(current.limits.max_devices),
    max_users: String(current.limits.max_users),
    starts_at: dateOnly(current.starts_at),
    expires_at: dateOnly(current.expires_at),
    grace_days: String(current.grace_days),
    notes: current.notes,
  };
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A count as typed: digits only (spaces around them are fine) → the number. */
const count = (message: string) =>
  z.pipe(
    z.pipe(
      z.string().check(z.trim(), z.regex(/^\d+$/, message)),
      z.transform(Number),
    ),
    z.int({ error: message }),
  );

const LIMIT = count('Enter a whole number, 0 for unlimited.');

/** The form's values keyed like the server's fields; the plan's message says what is missing. */
const licenceSchema = (planMissing: string) =>
  z
    .object({
      plan: z.string().check(z.trim(), z.minLength(1, planMissing), z.maxLength(64, 'The plan name must be at most 64 characters.')),
      features: z.pipe(
        z.array(z.string()).check(z.refine((fs) => fs.every((f) => FEATURE_IDS.includes(f)), 'Only security, VPN and backup can be licensed.')),
        z.transform((fs) => FEATURE_IDS.filter((f) => fs.includes(f))),
      ),
      limits: z.object({ max_assets: LIMIT, max_devices: LIMIT, max_users: LIMIT } satisfies Record<keyof Limits, unknown>),
      starts_at: z.string().check(z.minLength(1, 'Enter the start date.'), z.refine(validDate, 'Enter a valid date.')),
      expires_at: z.string().check(z.refine((s) => !s || validDate(s), 'Enter a valid date.')),
      grace_days: z.pipe(count('Enter 0 to 365 days.'), z.number().check(z.maximum(365, 'Enter 0 to 365 days.'))),
      notes: z.string().check(z.trim(), z.maxLength(2000, 'Notes must be at most 2000 characters.')),
    })
    .check(
      z.refine((v) => !validDate(v.starts_at) || !validDate(v.expires_at) || v.expires_at > v.starts_at, {
        path: ['expires_at'],
        message: 'The end must be after the start.',
        // also when another field (a count) has failed
        when: () => true,
      }),
    );

/**
 * Checks the form as the server does (plan 1-64 characters, known features, limits ≥ 0 with 0 =
 * unlimited, a start date, an end after the start, grace 0-365 days, notes ≤ 2000 characters) and
 * builds the request body. `version` is the licence version read (0 when there was none).
 */
export function validateLicenceForm(
  v: LicenceFormValues,
  version: number | null,
): { ok: true; input: LicenseInput } | { ok: false; errors: LicenceFormErrors } {
  const custom = v.planKind === 'custom';
  const r = parseFields(licenceSchema(custom ? 'Enter the name of the custom plan.' : 'Choose a plan.'), {
    plan: custom ? v.customPlan : v.planKind,
    features: v.features,
    limits: { max_assets: v.max_assets, max_devices: v.max_devices, max_users: v.max_users },
    starts_at: v.starts_at,
    expires_at: v.expires_at,
    grace_days: v.grace_days,
    notes: v.notes,
  });
  if (!r.ok) return { ok: false, errors: r.errors };
  const d = r.data;
  return { ok: true, input: { ...d, starts_at: d.starts_at + 'T00:00:00Z', expires_at: d.expires_at ? d.expires_at + 'T00:00:00Z' : null, version } };
}

/** Maps the server's field errors (e.g. `features[1]`) onto the form's fields. */
export function serverLicenceErrors(fieldErrors: Record<string, string>): LicenceFormErrors {
  const out: LicenceFormErrors = {};
  for (const [field, msg] of Object.entries(fieldErrors)) {
    const key = field.startsWith('features[') ? 'features' : field;
    if (!(key in out)) out[key] = msg;
  }
  return out;
}

export type LicenceState = 'none' | 'scheduled' | 'active' | 'expiring' | 'grace' | 'expired';

const DAY = 86_400_000;

/**
 * Where a licence stands at `now`: not started yet, in force (expiring within 30 days), past its end
 * but within the grace days, or expired. `days` counts to the next boundary (start, end, grace end).
 */
export function licenceState(l: License | null, now: Date = new Date()): { state: LicenceState; days: number | null } {
  if (!l) return { state: 'none', days: null };
  const t = now.getTime();
  const start = new Date(l.starts_at).getTime();
  if (t < start) return { state: 'scheduled', days: Math.ceil((start - t) / DAY) };
  if (!l.expires_at) return { state: 'active', days: null };
  const end = new Date(l.expires_at).getTime();
  if (t < end) {
    const days = Math.ceil((end - t) / DAY);
    return { state: days <= 30 ? 'expiring' : 'active', days };
  }
  const graceEnd = end + l.grace_days * DAY;
  if (t < graceEnd) return { state: 'grace', days: Math.ceil((graceEnd - t) / DAY) };
  return { state: 'expired', days: null };
}

export function licenceStateLabel(s: { state: LicenceState; days: number | null }): string {
  const d = s.days === 1 ? '1 day' : `${String(s.days)} days`;
  switch (s.state) {
    case 'none':
      return 'No licence';
    case 'scheduled':
      return `Starts in ${d}`;
    case 'active':
      return 'In force';
    case 'expiring':
      return `Expires in ${d}`;
    case 'grace':
      return `Expired — grace ends in ${d}`;
    case 'expired':
      return 'Expired';
  }
}
