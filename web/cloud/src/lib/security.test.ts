import { tenantKey, type Page } from '@monozu/api';
import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { addLiveAlert, alertListKey, matchesFilters, type SecurityAlert } from './security';

const alert = (id: string, over: Partial<SecurityAlert> = {}): SecurityAlert => ({
  id, device_id: 'd1', event_id: null, site_id: 's1', asset_id: null, title: 'Scan ' + id, severity: 'high', category: 'scan',
  source_ip: null, destination_ip: null, source_port: null, destination_port: null, protocol: '', description: '', signature_id: '',
  status: 'new', observed_at: '2026-12-01T10:00:00Z', created_at: '2026-12-01T10:00:00Z', acknowledged_at: null, acknowledged_by: null,
  updated_at: '2026-12-01T10:00:00Z', version: 1, ...over,
});

const page = (items: SecurityAlert[]): InfiniteData<Page<SecurityAlert>> => ({ pages: [{ items, next_cursor: null }], pageParams: [null] });

describe('live alerts in the cache', () => {
  it('prepends a live alert to the lists it matches, once', () => {
    const qc = new QueryClient();
    const all = alertListKey('t1', {});
    const critical = alertListKey('t1', { severity: 'critical' });
    const other = alertListKey('t2', {});
    qc.setQueryData(all, page([alert('old')]));
    qc.setQueryData(critical, page([]));
    qc.setQueryData(other, page([]));
    addLiveAlert(qc, 't1', alert('new'));
    addLiveAlert(qc, 't1', alert('new'));
    const ids = (k: readonly unknown[]) => qc.getQueryData<InfiniteData<Page<SecurityAlert>>>(k)?.pages[0]?.items.map((a) => a.id);
    expect(ids(all)).toEqual(['new', 'old']);
    expect(ids(critical)).toEqual([]);
    expect(ids(other)).toEqual([]);
    expect(qc.getQueryData(tenantKey('t1', 'security', 'alerts', 'list', { q: 1 }))).toBeUndefined();
  });

  it('matches filters: comma lists, sites, and the half-open time range', () => {
    const a = alert('a');
    expect(matchesFilters(a, { severity: 'critical,high', status: 'new' })).toBe(true);
    expect(matchesFilters(a, { site_id: 's2' })).toBe(false);
    expect(matchesFilters(a, { device_id: 'd1', from: '2026-12-01T10:00:00Z' })).toBe(true);
    expect(matchesFilters(a, { to: '2026-12-01T10:00:00Z' })).toBe(false);
    expect(matchesFilters(alert('b', { site_id: null }), { site_id: 's1' })).toBe(false);
  });
});
