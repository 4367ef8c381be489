import { allOf, tenantKey, type Page } from '@monozu/api';
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { Schema } from './types';

/** Shapes (generated from the API's OpenAPI document) and cache keys of the security module shared by the inbox, the live feed and the dashboard. */
export type SecurityAlert = Schema<'Alert'>;
export type Severity = SecurityAlert['severity'];
export const SEVERITIES = allOf<Severity>()(['critical', 'high', 'medium', 'low', 'info']);
export type AlertStatus = SecurityAlert['status'];
export const ALERT_STATUSES = allOf<AlertStatus>()(['new', 'acknowledged', 'investigating', 'resolved', 'false_positive', 'escalated']);

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
