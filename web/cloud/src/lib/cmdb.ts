/** CMDB shapes (generated from the API's OpenAPI document, see types.ts) and small shared fetchers. */
import { allOf, tenantKey, type Page } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from './api';
import type { ListQuery, Schema } from './types';

export type Category = Asset['category'];
export type Criticality = Asset['criticality'];
export type Lifecycle = Asset['lifecycle'];
export type SiteStatus = Site['status'];
export type PurdueLevel = Zone['purdue_level'];

export const IT_TYPES = [
  'server', 'workstation', 'virtual_machine', 'switch', 'router', 'firewall', 'wireless_ap', 'storage',
  'cloud_service', 'printer', 'other',
] as const;
export const OT_TYPES = [
  'plc', 'rtu', 'dcs_controller', 'scada_server', 'hmi', 'historian', 'engineering_station', 'industrial_switch',
  'protocol_gateway', 'sensor', 'actuator', 'drive', 'robot', 'safety_system', 'other_ot',
] as const;
export const TYPES_BY_CATEGORY: Record<Category, readonly string[]> = { it: IT_TYPES, ot: OT_TYPES };
export const CRITICALITIES = allOf<Criticality>()(['low', 'medium', 'high', 'critical']);
export const PURDUE_LEVELS = allOf<PurdueLevel>()(['0', '1', '2', '3', '3.5', '4', '5']);

/**
 * The words of enum values that are acronyms, as a label writes them. A word is matched whole ("ap" in
 * "wireless_ap", not the letters of "snapshot"). The screens show plc, rtu, dcs_controller, scada_server, hmi,
 * wireless_ap and other_ot (asset types) and vpn_gateway (a device role); the others are the product's terms, so
 * that a new value using one is labelled right too.
 */
const ACRONYMS: ReadonlySet<string> = new Set([
  'ap', 'cpe', 'dcs', 'dmz', 'hmi', 'ip', 'it', 'mac', 'mfa', 'opc', 'ot', 'plc', 'rtu', 'scada', 'snmp', 'sso',
  'totp', 'ua', 'vlan', 'vpn',
]);

/** An enum value as a label: "virtual_machine" → "Virtual machine", "scada_server" → "SCADA server". */
export function humanize(s: string): string {
  const t = s
    .split('_')
    .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w))
    .join(' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export type SiteCounts = Schema<'SiteCounts'>;
export type Site = Schema<'Site'>;
export type Zone = Schema<'Zone'>;
export type Vlan = Schema<'VLAN'>;
export type Vendor = Schema<'Vendor'>;
export type Asset = Schema<'Asset'>;
export type DriftRecord = Schema<'DriftRecord'>;
export type CpeSuggestion = Schema<'CPESuggestion'>;

const OPTION_LIMIT = 200;

/** Sites for selects (first 200 in name order). */
export const siteOptionsQuery = (tenantId: string | null) =>
  queryOptions({
    queryKey: tenantKey(tenantId, 'options', 'sites'),
    queryFn: ({ signal }) => api.get<Page<Site>>('/sites', { limit: OPTION_LIMIT }, signal).then((p) => p.items),
    staleTime: 60_000,
  });

/** Zones for selects. */
export const zoneOptionsQuery = (tenantId: string | null) =>
  queryOptions({
    queryKey: tenantKey(tenantId, 'options', 'zones'),
    queryFn: ({ signal }) => api.get<Page<Zone>>('/zones', { limit: OPTION_LIMIT }, signal).then((p) => p.items),
    staleTime: 60_000,
  });

/** VLANs for selects (every page: an asset form must offer all the VLANs its site may use). */
export const vlanOptionsQuery = (tenantId: string | null) =>
  queryOptions({
    queryKey: tenantKey(tenantId, 'options', 'vlans'),
    queryFn: async ({ signal }) => {
      const all: Vlan[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 50; i++) {
        const page: Page<Vlan> = await api.get<Page<Vlan>>('/vlans', { limit: OPTION_LIMIT, cursor }, signal);
        all.push(...page.items);
        cursor = page.next_cursor;
        if (!cursor) break;
      }
      return all;
    },
    staleTime: 60_000,
  });

/** Vendors for selects. */
export const vendorOptionsQuery = (tenantId: string | null) =>
  queryOptions({
    queryKey: tenantKey(tenantId, 'options', 'vendors'),
    queryFn: ({ signal }) => api.get<Page<Vendor>>('/vendors', { limit: OPTION_LIMIT }, signal).then((p) => p.items),
    staleTime: 60_000,
  });

/** How many assets the global search box shows. */
export const SEARCH_LIMIT = 8;

/** The first assets matching free text (name, hostname, IP, MAC in any notation, serial, model), for the search box. */
export const assetSearchQuery = (tenantId: string | null, q: string) =>
  queryOptions({
    queryKey: tenantKey(tenantId, 'assets', 'search', q),
    queryFn: ({ signal }) => api.get<Page<Asset>>('/assets', { q, limit: SEARCH_LIMIT } satisfies ListQuery<'/api/v1/assets'>, signal),
    staleTime: 30_000,
  });

export const acceptDrift = (id: string) => api.post<DriftRecord>('/drift/' + id + '/accept');
export const dismissDrift = (id: string) => api.post<DriftRecord>('/drift/' + id + '/dismiss');

export function formatDateTime(s: string | null | undefined): string {
  if (!s) return '—';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString();
}
