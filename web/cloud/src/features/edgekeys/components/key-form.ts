import { parseFields } from '@monozu/api';
import * as z from 'zod/mini';
import { unlessBlank, wholeNumber } from '../../../lib/validation';
import type { NewKey } from '../api/keys';

export interface KeyFormValues {
  label: string;
  /** A datetime-local value, empty for no expiry. */
  expires: string;
  maxUses: string;
  siteId: string;
}

/** A datetime-local value → its RFC 3339 time, which must be after now. */
const futureTime = (now: Date) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((s) => new Date(s)),
    ),
    z.pipe(
      z.date({ error: 'Enter a date and time.' }).check(z.refine((at) => at > now, 'Choose a time in the future.')),
      z.transform((at) => at.toISOString()),
    ),
  );

/** The form's values (by their API names) → the request; a blank optional field is left out. */
const keySchema = (now: Date) =>
  z.object({
    label: z.string().check(z.trim(), z.minLength(1, 'Enter a label.'), z.maxLength(200, 'At most 200 characters.')),
    expires_at: unlessBlank(futureTime(now)),
    max_uses: unlessBlank(wholeNumber(1, 100000, 'A whole number from 1 to 100000.')),
    site_id: unlessBlank(z.string()),
  });

/** The request for the form's values, or the per-field messages that keep it from being sent. */
export function toNewKey(v: KeyFormValues, now: Date = new Date()): { body: NewKey } | { errors: Record<string, string> } {
  const r = parseFields(keySchema(now), { label: v.label, expires_at: v.expires, max_uses: v.maxUses, site_id: v.siteId });
  return r.ok ? { body: r.data } : { errors: r.errors };
}
