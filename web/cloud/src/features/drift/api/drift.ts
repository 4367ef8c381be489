import { tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { DriftRecord } from '../../../lib/cmdb';

export interface DriftFilters {
  status?: string;
  field?: string;
  site_id?: string;
}

export const driftQuery = (t: string | null, f: DriftFilters) =>
  infiniteQueryOptions({
    queryKey: tenantKey(t, 'drift', 'list', f),
    queryFn: ({ pageParam, signal }) => api.get<Page<DriftRecord>>('/drift', { ...f, cursor: pageParam, limit: 50 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
