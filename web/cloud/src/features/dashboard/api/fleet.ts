import { tenantKey, type Page } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { SEVERITIES, type SecurityAlert, type Severity } from '../../../lib/security';
import type { ListQuery, Schema } from '../../../lib/types';

/** The API has no count endpoints for these: a page of up to LIMIT is counted, "LIMIT+" beyond. */
export const COUNT_LIMIT = 200;

export interface Count {
  n: number;
  more: boolean;
}

const count = (p: Page<unknown>): Count => ({ n: p.items.length, more: p.next_cursor !== null });

export const deviceCountsQuery = (t: string | null) =>
  queryOptions({
    queryKey: tenantKey(t, 'devices', 'dashboard-counts'),
    queryFn: async ({ signal }) => {
      const [online, offline] = await Promise.all(
        ['online', 'offline'].map((status) => api.get<Page<unknown>>('/devices', { status, limit: COUNT_LIMIT }, signal).then(count)),
      );
      return { online: online as Count, offline: offline as Count };
    },
    refetchInterval: 10_000,
  });

/** Alerts observed since `from`, counted by severity (the feed refreshes it when an alert arrives). */
export const recentAlertsQuery = (t: string | null, from: string) =>
  queryOptions({
    queryKey: tenantKey(t, 'security', 'alerts', 'summary', from),
    queryFn: async ({ signal }) => {
      const p = await api.get<Page<SecurityAlert>>('/security/alerts', { from, limit: COUNT_LIMIT }, signal);
      const by = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
      for (const a of p.items) by[a.severity]++;
      return { by, more: p.next_cursor !== null, open: p.items.filter((a) => a.status === 'new').length };
    },
  });

export type AlertTimeline = Schema<'Timeline'>;
export type TimelineBucket = AlertTimeline['bucket'];

/**
 * Alerts per hour (last 24 hours) or day (last 30 days) and severity. Its key sits under the
 * alert summary keys, so a live alert from the feed refreshes it too.
 */
export const alertTimelineQuery = (t: string | null, bucket: TimelineBucket) =>
  queryOptions({
    queryKey: tenantKey(t, 'security', 'alerts', 'summary', 'timeline', bucket),
    queryFn: ({ signal }) => api.get<AlertTimeline>('/security/alerts/timeline', { bucket } satisfies ListQuery<'/api/v1/security/alerts/timeline'>, signal),
    refetchInterval: 5 * 60_000,
  });
