import { tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';

export type Category = 'it' | 'ot';
export type Criticality = 'low' | 'medium' | 'high' | 'critical';
export type Lifecycle = 'planned' | 'active' | 'decommissioned' | 'discovered';

export interface Asset {
  id: string;
  name: string;
  category: Category;
  type: string;
  site_id: string;
  site_name: string;
  ip_addresses: string[];
  mac_addresses: string[];
  hostname: string;
  vendor_name: string;
  model: string;
  criticality: Criticality;
  lifecycle: Lifecycle;
  last_seen: string | null;
  tags: string[];
}

/** The filters of GET /assets this page offers (values as the API takes them). */
export interface AssetFilters {
  site_id?: string;
  category?: string;
  criticality?: string;
  lifecycle?: string;
  q?: string;
}

export interface SiteOption {
  id: string;
  name: string;
}

export const PAGE_SIZE = 50;

export function fetchAssets(filters: AssetFilters, cursor: string | null, signal?: AbortSignal) {
  return api.get<Page<Asset>>('/assets', { ...filters, cursor, limit: PAGE_SIZE }, signal);
}

export const assetsListQuery = (tenantId: string | null, filters: AssetFilters) =>
  infiniteQueryOptions({
    queryKey: tenantKey(tenantId, 'assets', 'list', filters),
    queryFn: ({ pageParam, signal }) => fetchAssets(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

/** Sites for the filter (first 200 in name order). */
export const siteOptionsQuery = (tenantId: string | null) =>
  queryOptions({
    queryKey: tenantKey(tenantId, 'assets', 'site-options'),
    queryFn: ({ signal }) => api.get<Page<SiteOption>>('/sites', { limit: 200 }, signal).then((p) => p.items),
    staleTime: 60_000,
  });
