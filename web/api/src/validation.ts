import { safeParse, type core } from 'zod/mini';

/**
 * A zod issue path as the server names fields in its problem+json `errors[]`: properties joined by
 * dots, list items by index (`name`, `limits.max_assets`, `payload.ports`, `tags[1]`). An issue of
 * the whole value has the key ''.
 */
export function fieldKey(path: readonly PropertyKey[]): string {
  let key = '';
  for (const p of path) key += typeof p === 'number' ? '[' + String(p) + ']' : (key ? '.' : '') + String(p);
  return key;
}

/** field → first message of the issues, keyed like ApiError.fieldErrors (see fieldKey). */
export function issueFieldErrors(issues: readonly core.$ZodIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = fieldKey(issue.path);
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}

/** The schema's output for a valid value, else the messages per field. */
export type FieldsResult<T> = { ok: true; data: T } | { ok: false; errors: Record<string, string> };

/** Parses a form's value with a zod schema: its output, or field → first message like a 422 answer. */
export function parseFields<S extends core.$ZodType>(schema: S, value: core.input<S>): FieldsResult<core.output<S>> {
  const r = safeParse(schema, value);
  return r.success ? { ok: true, data: r.data } : { ok: false, errors: issueFieldErrors(r.error.issues) };
}

/** Only the messages: {} when the value passes (for `check(…)` of a form's field errors). */
export function checkFields<S extends core.$ZodType>(schema: S, value: core.input<S>): Record<string, string> {
  const r = parseFields(schema, value);
  return r.ok ? {} : r.errors;
}
