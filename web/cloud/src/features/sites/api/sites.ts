import { tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { PurdueLevel, Site, SiteStatus, Vlan, Zone } from '../../../lib/cmdb';
import type { Schema } from '../../../lib/types';

export const PAGE_SIZE = 50;

export interface SiteFilters {
  q?: string;
  status?: string;
}
export interface ZoneFilters {
  site_id?: string;
  purdue_level?: string;
}
export interface VlanFilters {
  site_id?: string;
  zone_id?: string;
  number?: string;
}

function pages<T>(key: readonly unknown[], path: string, filters: object) {
  return infiniteQueryOptions({
    queryKey: key,
    queryFn: ({ pageParam, signal }) => api.get<Page<T>>(path, { ...(filters as Record<string, string>), cursor: pageParam, limit: PAGE_SIZE }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last: Page<T>) => last.next_cursor ?? undefined,
  });
}

export const sitesListQuery = (t: string | null, f: SiteFilters) => pages<Site>(tenantKey(t, 'sites', 'list', f), '/sites', f);
export const zonesListQuery = (t: string | null, f: ZoneFilters) => pages<Zone>(tenantKey(t, 'zones', 'list', f), '/zones', f);
export const vlansListQuery = (t: string | null, f: VlanFilters) => pages<Vlan>(tenantKey(t, 'vlans', 'list', f), '/vlans', f);

export const siteQuery = (t: string | null, id: string) =>
  queryOptions({ queryKey: tenantKey(t, 'sites', 'detail', id), queryFn: ({ signal }) => api.get<Site>('/sites/' + id, undefined, signal) });

export interface SiteInput {
  name: string;
  code: string;
  description: string;
  location: string;
  latitude: number | null;
  longitude: number | null;
  timezone: string;
  status: SiteStatus;
  contact: string;
}
export interface ZoneInput {
  name: string;
  site_id: string | null;
  purdue_level: PurdueLevel;
  description: string;
  security_level: number | null;
}
export interface VlanInput {
  number: number;
  name: string;
  zone_id: string | null;
  cidr: string | null;
  gateway: string | null;
}

const idem = () => ({ headers: { 'Idempotency-Key': crypto.randomUUID() } });

export const createSite = (b: SiteInput) => api.post<Site>('/sites', b satisfies Schema<'NewSite'>, idem());
export const updateSite = (id: string, version: number, b: SiteInput) => api.patch<Site>('/sites/' + id, { ...b, version } satisfies Schema<'SitePatch'>);
export const deleteSite = (id: string) => api.delete('/sites/' + id);
export const createPurdueZones = (id: string) => api.post<Schema<'ZonePresetResult'>>('/sites/' + id + '/zones/preset', undefined, idem());

export const createZone = (b: ZoneInput) => api.post<Zone>('/zones', b satisfies Schema<'NewZone'>, idem());
export const updateZone = (id: string, version: number, b: ZoneInput) => api.patch<Zone>('/zones/' + id, { ...b, version } satisfies Schema<'ZonePatch'>);
export const deleteZone = (id: string) => api.delete('/zones/' + id);

/** POST sends empty CIDR/gateway as "" (the create schema takes strings); PATCH clears them with null. */
export const createVlan = (b: VlanInput) => api.post<Vlan>('/vlans', { ...b, cidr: b.cidr ?? '', gateway: b.gateway ?? '' } satisfies Schema<'NewVLAN'>, idem());
export const updateVlan = (id: string, version: number, b: VlanInput) => api.patch<Vlan>('/vlans/' + id, { ...b, version } satisfies Schema<'VLANPatch'>);
export const deleteVlan = (id: string) => api.delete('/vlans/' + id);
