import type { Delivery, DeliveryStatus } from './deliveries';

export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'delivered', 'failed'];

export interface DeliveryFilters {
  status?: DeliveryStatus;
  /** Part of the Cloud tenant id or event id. */
  q?: string;
}

/** Reads the filters from URL search params, ignoring unknown statuses. */
export function parseDeliveryFilters(params: URLSearchParams): DeliveryFilters {
  const f: DeliveryFilters = {};
  const s = params.get('status');
  if (s && (DELIVERY_STATUSES as string[]).includes(s)) f.status = s as DeliveryStatus;
  const q = params.get('q')?.trim();
  if (q) f.q = q;
  return f;
}

/**
 * The API lists every push newest first without filters, so the status and text filters apply to
 * the pages loaded so far.
 */
export function filterDeliveries(items: Delivery[], f: DeliveryFilters): Delivery[] {
  const q = f.q?.toLowerCase();
  return items.filter(
    (d) =>
      (!f.status || d.status === f.status) &&
      (!q || d.tenant_id.toLowerCase().includes(q) || d.event_id.toLowerCase().includes(q)),
  );
}

/** Counts per status of the loaded pushes (for the filter labels). */
export function countByStatus(items: Delivery[]): Record<DeliveryStatus, number> {
  const c: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0 };
  for (const d of items) c[d.status] += 1;
  return c;
}

/** The event's kind from its payload (the tenant status pushed), when present. */
export function payloadSummary(payload: unknown): string {
  if (payload && typeof payload === 'object') {
    const p = payload as { status?: unknown; plan?: unknown };
    const parts = [typeof p.status === 'string' ? p.status : null, typeof p.plan === 'string' && p.plan ? p.plan : null].filter(Boolean);
    if (parts.length) return parts.join(' · ');
  }
  return '—';
}
