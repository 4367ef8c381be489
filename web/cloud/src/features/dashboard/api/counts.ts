import { tenantKey, type Narrow } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Schema } from '../../../lib/types';

/** GET /cmdb/summary: the CMDB's counts in one call (the API documents the counts as maps; these are their keys). */
export type CMDBSummary = Narrow<
  Schema<'Summary'>,
  {
    by_category: Record<'it' | 'ot', number>;
    by_criticality: Record<'low' | 'medium' | 'high' | 'critical', number>;
    by_lifecycle: Record<'planned' | 'active' | 'decommissioned', number>;
  }
>;

export const cmdbSummaryQuery = (tenantId: string | null) =>
  queryOptions({
    queryKey: tenantKey(tenantId, 'dashboard', 'cmdb-summary'),
    queryFn: ({ signal }) => api.get<CMDBSummary>('/cmdb/summary', undefined, signal),
    staleTime: 30_000,
  });
