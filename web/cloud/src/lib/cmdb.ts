/** CMDB shapes and small shared fetchers used by several features (see /api/v1/openapi.json). */
import { tenantKey, type Page } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from './api';

export type Category = 'it' | 'ot';
export type Criticality = 'low' | 'medium' | 'high' | 'critical';
export type Lifecycle = 'planned' | 'active' | 'decommissioned' | 'discovered';
export type SiteStatus = 'planned' | 'active' | 'decommissioned';
export type PurdueLevel = '0' | '1' | '2' | '3' | '3.5' | '4' | '5';

export const IT_TYPES = [
  'server', 'workstation', 'virtual_machine', 'switch', 'router', 'firewall', 'wireless_ap', 'storage',
  'cloud_service', 'printer', 'other',
] as const;
export const OT_TYPES = [
  'plc', 'rtu', 'dcs_controller', 'scada_server', 'hmi', 'historian', 'engineering_station', 'industrial_switch',
  'protocol_gateway', 'sensor', 'actuator', 'drive', 'robot', 'safety_system', 'other_ot',
] as const;
export const TYPES_BY_CATEGORY: Record<Category, readonly string[]> = { it: IT_TYPES, ot: OT_TYPES };
export const CRITICALITIES: readonly Criticality[] = ['low', 'medium', 'high', 'critical'];
export const PURDUE_LEVELS: readonly PurdueLevel[] = ['0', '1', '2', '3', '3.5', '4', '5'];

/** "virtual_machine" → "Virtual machine". */
export function humanize(s: string): string {
  const t = s.replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export interface SiteCounts {
  zones: number;
  vlans: number;
  assets: number;
  edge_devices: number;
}

export interface Site {
  id: string;
  name: string;
  code: string;
  description: string;
  location: string;
  latitude: number | null;
  longitude: number | null;
  timezone: string;
  status: SiteStatus;
  contact: string;
  counts: SiteCounts;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface Zone {
  id: string;
  name: string;
  site_id: string | null;
  site_name: string;
  purdue_level: PurdueLevel;
  description: string;
  security_level: number | null;
  vlan_count: number;
  version: number;
}

export interface Vlan {
  id: string;
  number: number;
  name: string;
  zone_id: string | null;
  zone_name: string;
  site_id: string | null;
  site_name: string;
  cidr: string | null;
  gateway: string | null;
  asset_count: number;
  version: number;
}

export interface Vendor {
  id: string;
  name: string;
  website: string;
  support_contact: string;
  advisory_url: string;
  cpe_vendor: string;
  asset_count: number;
  version: number;
}

export interface Asset {
  id: string;
  name: string;
  category: Category;
  type: string;
  site_id: string;
  site_name: string;
  vlan_ids: string[];
  ip_addresses: string[];
  mac_addresses: string[];
  hostname: string;
  vendor_id: string | null;
  vendor_name: string;
  model: string;
  serial_number: string;
  firmware_version: string;
  os: string;
  cpe: string[];
  criticality: Criticality;
  lifecycle: Lifecycle;
  owner: string;
  location_detail: string;
  tags: string[];
  notes: string;
  source: 'manual' | 'import' | 'discovery';
  first_seen: string | null;
  last_seen: string | null;
  observed: Record<string, unknown>;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface DriftRecord {
  id: string;
  asset_id: string;
  asset_name: string;
  site_id: string;
  site_name: string;
  field: 'firmware_version' | 'model' | 'serial_number' | 'hostname';
  intended: string;
  observed: string;
  status: 'open' | 'accepted' | 'dismissed';
  opened_at: string;
  last_observed_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
}

export interface CpeSuggestion {
  cpe: string;
  reason: string;
}

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

export const acceptDrift = (id: string) => api.post<DriftRecord>('/drift/' + id + '/accept');
export const dismissDrift = (id: string) => api.post<DriftRecord>('/drift/' + id + '/dismiss');

export function formatDateTime(s: string | null | undefined): string {
  if (!s) return '—';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString();
}
