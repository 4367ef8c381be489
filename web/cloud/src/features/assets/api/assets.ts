import { allOf, tenantKey, type Narrow, type Page } from '@monozu/api';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Asset, DriftRecord } from '../../../lib/cmdb';
import type { ListQuery, Schema } from '../../../lib/types';

export type { Asset, Category, Criticality, Lifecycle } from '../../../lib/cmdb';
export { siteOptionsQuery } from '../../../lib/cmdb';

/** The filters of GET /assets this page offers (values as the API takes them), plus the sort. */
export type AssetFilters = Pick<
  ListQuery<'/api/v1/assets'>,
  'site_id' | 'zone_id' | 'vlan_id' | 'vendor_id' | 'category' | 'type' | 'criticality' | 'lifecycle' | 'source' | 'tag' | 'q' | 'sort'
>;

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

export type AssetVlan = Schema<'AssetVLAN'>;

export type Relationship = Schema<'Relationship'>;
export type RelationshipType = Relationship['type'];
export const RELATIONSHIP_TYPES = allOf<RelationshipType>()(['connected_to', 'depends_on', 'runs_on', 'part_of', 'controls', 'monitors']);

export interface DiagramLink {
  id: string;
  name: string;
}

/** The asset with its tabs' data; panels are what other modules add (drift, diagrams). */
export type AssetDetail = Narrow<Schema<'AssetDetail'>, { panels: { drift?: DriftRecord[]; diagrams?: DiagramLink[]; [k: string]: unknown } }>;

/** A timeline entry; a change's fields are each {before, after}. */
export type TimelineItem = Narrow<Schema<'TimelineItem'>, { changes?: Record<string, { before?: unknown; after?: unknown }> }>;

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

export const createAsset = (body: AssetInput) => api.post<Asset>('/assets', body satisfies Schema<'AssetInput'>, { headers: { 'Idempotency-Key': crypto.randomUUID() } });
/** PATCH with the version read; a removed vendor is sent as the nil UUID (as the API asks). */
export const updateAsset = (id: string, version: number, body: AssetInput) =>
  api.patch<Asset>('/assets/' + id, { ...body, vendor_id: body.vendor_id ?? NIL_UUID, version } satisfies Schema<'AssetPatch'>);
export const deleteAsset = (id: string) => api.delete('/assets/' + id);

export const addRelationship = (id: string, body: { target_asset_id: string; type: RelationshipType; note: string }) =>
  api.post<Relationship>('/assets/' + id + '/relationships', body satisfies Schema<'NewRelationship'>, { headers: { 'Idempotency-Key': crypto.randomUUID() } });
export const removeRelationship = (id: string, rid: string) => api.delete('/assets/' + id + '/relationships/' + rid);

export const fetchCpeSuggestions = (q: { vendor_id?: string | null; model: string; firmware_version: string; os: string }) =>
  api.get<Schema<'CPESuggestions'>>('/assets/cpe-suggestions', q).then((r) => r.items);

/** Assets for a picker (relationship target): name search, first 20. */
export const searchAssets = (q: string, signal?: AbortSignal) => api.get<Page<Asset>>('/assets', { q, limit: 20 }, signal).then((p) => p.items);
