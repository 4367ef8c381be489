import { tenantKey, type Query } from '@monozu/api';
import { pagedQuery } from '../../../lib/paged';
import type { Schema } from '../../../lib/types';

export type AuditEntry = Schema<'Entry'>;

/** The filters as the page keeps them in the URL: dates are local calendar days (YYYY-MM-DD). */
export interface AuditFilters {
  action: string;
  resource_type: string;
  resource_id: string;
  from: string;
  to: string;
}

/** The first instant of a local calendar day, as RFC 3339 UTC. */
function startOfDay(day: string): string | undefined {
  const d = new Date(day + 'T00:00:00');
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The API query of the filters: "to" covers its whole day (up to the next day's start). */
export function auditQuery(f: AuditFilters): Query {
  let to: string | undefined;
  if (f.to) {
    const d = new Date(f.to + 'T00:00:00');
    if (!Number.isNaN(d.getTime())) {
      d.setDate(d.getDate() + 1);
      to = d.toISOString();
    }
  }
  return {
    action: f.action || undefined,
    resource_type: f.resource_type || undefined,
    resource_id: f.resource_id || undefined,
    from: f.from ? startOfDay(f.from) : undefined,
    to,
  };
}

export const auditListQuery = (t: string | null, f: AuditFilters) => pagedQuery<AuditEntry>(tenantKey(t, 'audit', 'list', f), '/settings/audit', auditQuery(f));
