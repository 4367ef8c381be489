import { tenantKey } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';

/** GET /cmdb/summary: the CMDB's counts in one call. */
export interface CMDBSummary {
  sites: number;
  vendors: number;
  assets: number;
  by_category: Record<'it' | 'ot', number>;
  by_criticality: Record<'low' | 'medium' | 'high' | 'critical', number>;
  by_lifecycle: Record<'planned' | 'active' | 'decommissioned', number>;
  discovered: number;
  open_drift: number;
}

export const cmdbSummaryQuery = (tenantId: string | null) =>
  queryOptions({
    queryKey: tenantKey(tenantId, 'dashboard', 'cmdb-summary'),
    queryFn: ({ signal }) => api.get<CMDBSummary>('/cmdb/summary', undefined, signal),
    staleTime: 30_000,
  });
