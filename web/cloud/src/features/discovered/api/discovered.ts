import { tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Asset } from '../../../lib/cmdb';
import type { Schema } from '../../../lib/types';

export interface DiscoveredFilters {
  site_id?: string;
  q?: string;
}

export const discoveredQuery = (t: string | null, f: DiscoveredFilters) =>
  infiniteQueryOptions({
    queryKey: tenantKey(t, 'discovered', 'list', f),
    queryFn: ({ pageParam, signal }) => api.get<Page<Asset>>('/discovered', { ...f, cursor: pageParam, limit: 50 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

/** The body of POST /discovered/{id}/approve as the review form fills it. */
export interface Approval {
  version: number;
  name: string;
  category: 'it' | 'ot';
  type: string;
  lifecycle: 'active' | 'planned';
  criticality: 'low' | 'medium' | 'high' | 'critical';
}

export const approveDevice = (id: string, b: Approval) => api.post<Asset>('/discovered/' + id + '/approve', b satisfies Schema<'DiscoveredApproval'>);
export const mergeDevice = (id: string, into: string) => api.post<Asset>('/discovered/' + id + '/merge', { into_asset_id: into } satisfies Schema<'DiscoveredMerge'>);
export const ignoreDevice = (id: string) => api.post('/discovered/' + id + '/ignore');
export const searchReviewed = (q: string, siteId: string, signal?: AbortSignal) =>
  api.get<Page<Asset>>('/assets', { q: q || undefined, site_id: siteId, limit: 50 }, signal).then((p) => p.items);
