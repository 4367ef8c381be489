import { isApiError } from '@monozu/api';

/** Server field errors split into plain fields and indexed list items (`vlan_ids[1]`, `ip_addresses[0]`). */
export interface FieldErrorMap {
  /** field → message, for fields named without an index (and the list as a whole). */
  fields: Record<string, string>;
  /** list field → index → message. */
  items: Record<string, Record<number, string>>;
}

const INDEXED = /^([A-Za-z_][\w.]*)\[(\d+)\](?:\.(.+))?$/;

/** Splits `{ 'ip_addresses[1]': 'bad', name: 'required' }` into fields and items. */
export function splitFieldErrors(errors: Readonly<Record<string, string>>): FieldErrorMap {
  const out: FieldErrorMap = { fields: {}, items: {} };
  for (const [key, message] of Object.entries(errors)) {
    const m = INDEXED.exec(key);
    if (m && m[1] !== undefined && m[2] !== undefined) {
      const list = (out.items[m[1]] ??= {});
      const idx = Number(m[2]);
      if (!(idx in list)) list[idx] = m[3] ? m[3] + ': ' + message : message;
    } else if (!(key in out.fields)) {
      out.fields[key] = message;
    }
  }
  return out;
}

/** The field errors of an ApiError (422), or empty maps for any other error. */
export function fieldErrorsOf(error: unknown): FieldErrorMap {
  if (isApiError(error)) return splitFieldErrors(error.fieldErrors);
  return { fields: {}, items: {} };
}

/**
 * One message for a list field: its own message plus each item's, naming the item by its value
 * (`"zz": not an address`) or its position. For FormField's `error`.
 */
export function listFieldMessage(map: FieldErrorMap, field: string, values: readonly string[] = [], label?: (v: string) => string): string | undefined {
  const parts: string[] = [];
  const own = map.fields[field];
  if (own) parts.push(own);
  const items = map.items[field] ?? {};
  for (const idx of Object.keys(items).map(Number).sort((a, b) => a - b)) {
    const v = values[idx];
    const name = v === undefined ? 'Item ' + String(idx + 1) : label ? label(v) : v;
    parts.push(name + ': ' + (items[idx] ?? ''));
  }
  return parts.length ? parts.join(' ') : undefined;
}

/** Field keys of the map that a form does not show next to a control (shown in a summary). */
export function unplacedErrors(map: FieldErrorMap, shown: readonly string[]): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(map.fields)) if (!shown.includes(k)) out.push(k + ': ' + v);
  for (const [k, items] of Object.entries(map.items))
    if (!shown.includes(k)) for (const [i, v] of Object.entries(items)) out.push(k + '[' + i + ']: ' + v);
  return out;
}
