import { tenantKey, type Page } from '@monozu/api';
import type { InfiniteData, QueryClient } from '@tanstack/react-query';

/** Shapes and cache keys of the security module shared by the inbox, the live feed and the dashboard. */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export type AlertStatus = 'new' | 'acknowledged' | 'investigating' | 'resolved' | 'false_positive' | 'escalated';
export const ALERT_STATUSES: readonly AlertStatus[] = ['new', 'acknowledged', 'investigating', 'resolved', 'false_positive', 'escalated'];

export interface SecurityAlert {
  id: string;
  device_id: string | null;
  event_id: string | null;
  site_id: string | null;
  asset_id: string | null;
  title: string;
  severity: Severity;
  category: string;
  source_ip: string | null;
  destination_ip: string | null;
  source_port: number | null;
  destination_port: number | null;
  protocol: string;
  description: string;
  signature_id: string;
  status: AlertStatus;
  observed_at: string;
  created_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  updated_at: string;
  version: number;
}

/** The inbox filters, as sent to GET /security/alerts. */
export interface AlertFilters {
  severity?: string;
  status?: string;
  site_id?: string;
  device_id?: string;
  from?: string;
  to?: string;
}

/** Every alert query (lists, details, dashboard counts) starts with this key. */
export const alertsKey = (t: string | null) => tenantKey(t, 'security', 'alerts');
export const alertListKey = (t: string | null, f: AlertFilters) => tenantKey(t, 'security', 'alerts', 'list', f);

/** Whether a live alert belongs in a list with these filters (comma lists are OR). */
export function matchesFilters(a: SecurityAlert, f: AlertFilters): boolean {
  const inList = (v: string | undefined, x: string | null) => !v || (x !== null && v.split(',').includes(x));
  if (!inList(f.severity, a.severity) || !inList(f.status, a.status) || !inList(f.site_id, a.site_id) || !inList(f.device_id, a.device_id)) return false;
  const at = Date.parse(a.observed_at);
  if (f.from && at < Date.parse(f.from)) return false;
  if (f.to && at >= Date.parse(f.to)) return false;
  return true;
}

/** The first page with the alert on top (once; a repeated delivery changes nothing). */
export function prependAlert(data: InfiniteData<Page<SecurityAlert>> | undefined, a: SecurityAlert): InfiniteData<Page<SecurityAlert>> | undefined {
  if (!data || data.pages.length === 0) return data;
  if (data.pages.some((p) => p.items.some((x) => x.id === a.id))) return data;
  const [first, ...rest] = data.pages;
  if (!first) return data;
  return { ...data, pages: [{ ...first, items: [a, ...first.items] }, ...rest] };
}

/** Puts a live alert into every loaded inbox list whose filters it matches, and refreshes counts. */
export function addLiveAlert(qc: QueryClient, t: string | null, a: SecurityAlert): void {
  const lists = qc.getQueriesData<InfiniteData<Page<SecurityAlert>>>({ queryKey: tenantKey(t, 'security', 'alerts', 'list') });
  for (const [key] of lists) {
    const filters = (key[key.length - 1] ?? {}) as AlertFilters;
    if (matchesFilters(a, filters)) qc.setQueryData<InfiniteData<Page<SecurityAlert>>>(key, (d) => prependAlert(d, a));
  }
  void qc.invalidateQueries({ queryKey: tenantKey(t, 'security', 'alerts', 'summary') });
}
