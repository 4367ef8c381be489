import { tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Asset, CpeSuggestion, DriftRecord } from '../../../lib/cmdb';

export type { Asset, Category, Criticality, Lifecycle } from '../../../lib/cmdb';
export { siteOptionsQuery } from '../../../lib/cmdb';

/** The filters of GET /assets this page offers (values as the API takes them), plus the sort. */
export interface AssetFilters {
  site_id?: string;
  zone_id?: string;
  vlan_id?: string;
  vendor_id?: string;
  category?: string;
  type?: string;
  criticality?: string;
  lifecycle?: string;
  source?: string;
  tag?: string;
  q?: string;
  sort?: string;
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

export interface AssetVlan {
  id: string;
  number: number;
  name: string;
  zone_id: string;
  zone_name: string;
  cidr: string;
}

export type RelationshipType = 'connected_to' | 'depends_on' | 'runs_on' | 'part_of' | 'controls' | 'monitors';
export const RELATIONSHIP_TYPES: readonly RelationshipType[] = ['connected_to', 'depends_on', 'runs_on', 'part_of', 'controls', 'monitors'];

export interface Relationship {
  id: string;
  type: RelationshipType;
  direction: 'outgoing' | 'incoming';
  source_asset_id: string;
  target_asset_id: string;
  other_asset_id: string;
  other_asset_name: string;
  other_asset_site_name: string;
  note: string;
  created_at: string;
}

export interface DiagramLink {
  id: string;
  name: string;
}

export interface AssetDetail extends Asset {
  vlans: AssetVlan[];
  relationships: Relationship[];
  cpe_suggestions: CpeSuggestion[];
  panels: { drift?: DriftRecord[]; diagrams?: DiagramLink[]; [k: string]: unknown };
}

export interface TimelineItem {
  id: string;
  at: string;
  kind: 'change' | 'observation';
  summary: string;
  action?: string;
  actor?: { type: string; id: string | null; label: string } | null;
  changes?: Record<string, { before?: unknown; after?: unknown }>;
  attributes?: Record<string, unknown>;
}

export const assetDetailQuery = (tenantId: string | null, id: string) =>
  queryOptions({
    queryKey: tenantKey(tenantId, 'assets', 'detail', id),
    queryFn: ({ signal }) => api.get<AssetDetail>('/assets/' + id, undefined, signal),
  });

export const TIMELINE_PAGE = 25;

export const assetTimelineQuery = (tenantId: string | null, id: string) =>
  infiniteQueryOptions({
    queryKey: tenantKey(tenantId, 'assets', 'timeline', id),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<TimelineItem>>('/assets/' + id + '/timeline', { cursor: pageParam, limit: TIMELINE_PAGE }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

/** The body of POST /assets (and, with version, PATCH). */
export interface AssetInput {
  name: string;
  category: 'it' | 'ot';
  type: string;
  site_id: string;
  vlan_ids: string[];
  ip_addresses: string[];
  mac_addresses: string[];
  hostname: string;
  vendor_id: string | null;
  model: string;
  serial_number: string;
  firmware_version: string;
  os: string;
  cpe: string[];
  criticality: 'low' | 'medium' | 'high' | 'critical';
  lifecycle: 'planned' | 'active' | 'decommissioned';
  owner: string;
  location_detail: string;
  tags: string[];
  notes: string;
}

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export const createAsset = (body: AssetInput) => api.post<Asset>('/assets', body, { headers: { 'Idempotency-Key': crypto.randomUUID() } });
/** PATCH with the version read; a removed vendor is sent as the nil UUID (as the API asks). */
export const updateAsset = (id: string, version: number, body: AssetInput) =>
  api.patch<Asset>('/assets/' + id, { ...body, vendor_id: body.vendor_id ?? NIL_UUID, version });
export const deleteAsset = (id: string) => api.delete('/assets/' + id);

export const addRelationship = (id: string, body: { target_asset_id: string; type: RelationshipType; note: string }) =>
  api.post<Relationship>('/assets/' + id + '/relationships', body, { headers: { 'Idempotency-Key': crypto.randomUUID() } });
export const removeRelationship = (id: string, rid: string) => api.delete('/assets/' + id + '/relationships/' + rid);

export const fetchCpeSuggestions = (q: { vendor_id?: string | null; model: string; firmware_version: string; os: string }) =>
  api.get<{ items: CpeSuggestion[] }>('/assets/cpe-suggestions', q).then((r) => r.items);

/** Assets for a picker (relationship target): name search, first 20. */
export const searchAssets = (q: string, signal?: AbortSignal) => api.get<Page<Asset>>('/assets', { q, limit: 20 }, signal).then((p) => p.items);
