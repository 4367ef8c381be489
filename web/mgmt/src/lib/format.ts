const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A date (no time) for display; "—" for null or invalid values. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateFmt.format(d);
}

/** A date with time for display; "—" for null or invalid values. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateTimeFmt.format(d);
}

/** A limit for display: 0 means unlimited. */
export function formatLimit(n: number): string {
  return n === 0 ? 'Unlimited' : n.toLocaleString();
}

/** The first 8 characters of an id, for compact tables. */
export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : '—';
}
