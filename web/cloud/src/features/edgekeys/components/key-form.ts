import type { NewKey } from '../api/keys';

export interface KeyFormValues {
  label: string;
  /** A datetime-local value, empty for no expiry. */
  expires: string;
  maxUses: string;
  siteId: string;
}

/** The request for the form's values, or the per-field messages that keep it from being sent. */
export function toNewKey(v: KeyFormValues, now: Date = new Date()): { body: NewKey } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const body: NewKey = { label: v.label.trim() };
  if (!body.label) errors.label = 'Enter a label.';
  else if (body.label.length > 200) errors.label = 'At most 200 characters.';
  if (v.expires) {
    const at = new Date(v.expires);
    if (Number.isNaN(at.getTime())) errors.expires_at = 'Enter a date and time.';
    else if (at <= now) errors.expires_at = 'Choose a time in the future.';
    else body.expires_at = at.toISOString();
  }
  if (v.maxUses.trim()) {
    const n = Number(v.maxUses);
    if (!Number.isInteger(n) || n < 1 || n > 100000) errors.max_uses = 'A whole number from 1 to 100000.';
    else body.max_uses = n;
  }
  if (v.siteId) body.site_id = v.siteId;
  return Object.keys(errors).length > 0 ? { errors } : { body };
}
