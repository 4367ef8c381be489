import { tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Schema } from '../../../lib/types';

export type AuditEntry = Schema<'AuditEntry'>;

export const auditQuery = (scope: string | null) =>
  infiniteQueryOptions({
    queryKey: tenantKey(scope, 'audit', 'list'),
    queryFn: ({ pageParam, signal }) => api.get<Page<AuditEntry>>('/audit', { cursor: pageParam, limit: 100 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

export interface AuditFilters {
  resource?: string;
  q?: string;
}

/** The API pages the log without filters; these apply to the entries loaded so far. */
export function filterAudit(items: AuditEntry[], f: AuditFilters): AuditEntry[] {
  const q = f.q?.trim().toLowerCase();
  return items.filter(
    (e) =>
      (!f.resource || e.resource_type === f.resource) &&
      (!q || [e.action, e.actor_label, e.summary, e.resource_id, e.ip ?? ''].some((s) => s.toLowerCase().includes(q))),
  );
}

/** The resource types present in the loaded entries, sorted. */
export function resourceTypes(items: AuditEntry[]): string[] {
  return [...new Set(items.map((e) => e.resource_type).filter(Boolean))].sort();
}
