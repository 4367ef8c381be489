import { tenantKey, type Page, type Query } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';

interface SiteRow {
  id: string;
  counts: { assets: number; zones: number; vlans: number; edge_devices: number };
}

/** The most pages a count walks through (200 rows each) before it reports "at least". */
const MAX_PAGES = 25;

export interface Count {
  value: number;
  /** True when the count stopped at MAX_PAGES pages. */
  capped: boolean;
}

/** Counts a list endpoint's rows by walking its keyset pages (the API has no count endpoint yet). */
async function countList(path: string, query: Query, signal: AbortSignal): Promise<Count> {
  let value = 0;
  let cursor: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page: Page<unknown> = await api.get<Page<unknown>>(path, { ...query, limit: 200, cursor }, signal);
    value += page.items.length;
    cursor = page.next_cursor;
    if (!cursor) return { value, capped: false };
  }
  return { value, capped: true };
}

export interface SiteTotals {
  sites: Count;
  assets: number;
  edgeDevices: number;
}

async function fetchSiteTotals(signal: AbortSignal): Promise<SiteTotals> {
  let assets = 0;
  let edgeDevices = 0;
  let n = 0;
  let cursor: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page: Page<SiteRow> = await api.get<Page<SiteRow>>('/sites', { limit: 200, cursor }, signal);
    for (const s of page.items) {
      assets += s.counts.assets;
      edgeDevices += s.counts.edge_devices;
    }
    n += page.items.length;
    cursor = page.next_cursor;
    if (!cursor) return { sites: { value: n, capped: false }, assets, edgeDevices };
  }
  return { sites: { value: n, capped: true }, assets, edgeDevices };
}

export const siteTotalsQuery = (tenantId: string | null) =>
  queryOptions({
    queryKey: tenantKey(tenantId, 'dashboard', 'site-totals'),
    queryFn: ({ signal }) => fetchSiteTotals(signal),
    staleTime: 30_000,
  });

export const assetCountQuery = (tenantId: string | null, category: 'it' | 'ot') =>
  queryOptions({
    queryKey: tenantKey(tenantId, 'dashboard', 'asset-count', { category }),
    queryFn: ({ signal }) => countList('/assets', { category }, signal),
    staleTime: 30_000,
  });
