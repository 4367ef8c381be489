import { tenantKey, type Page } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Asset, DriftRecord } from '../../../lib/cmdb';

/** How many rows the dashboard's short lists show; the full lists are a link away. */
export const RECENT_LIMIT = 5;

/** The first devices of the discovery review queue. */
export const recentDiscoveredQuery = (t: string | null) =>
  queryOptions({
    queryKey: tenantKey(t, 'discovered', 'dashboard-recent'),
    queryFn: ({ signal }) => api.get<Page<Asset>>('/discovered', { limit: RECENT_LIMIT }, signal).then((p) => p.items),
    staleTime: 30_000,
  });

/** The first open drift records. */
export const recentDriftQuery = (t: string | null) =>
  queryOptions({
    queryKey: tenantKey(t, 'drift', 'dashboard-recent'),
    queryFn: ({ signal }) => api.get<Page<DriftRecord>>('/drift', { status: 'open', limit: RECENT_LIMIT }, signal).then((p) => p.items),
    staleTime: 30_000,
  });
