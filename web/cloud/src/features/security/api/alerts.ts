import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { pagedQuery } from '../../../lib/paged';
import { alertListKey, alertsKey, type AlertFilters, type SecurityAlert } from '../../../lib/security';

/** The inbox; live alerts are put into its first page by the feed (lib/security-feed). */
export const alertsQuery = (t: string | null, f: AlertFilters) => pagedQuery<SecurityAlert>(alertListKey(t, f), '/security/alerts', { ...f });
export const alertQuery = (t: string | null, id: string) =>
  queryOptions({ queryKey: [...alertsKey(t), 'detail', id], queryFn: ({ signal }) => api.get<SecurityAlert>('/security/alerts/' + id, undefined, signal) });
export const acknowledgeAlert = (id: string) => api.post<SecurityAlert>('/security/alerts/' + id + '/acknowledge');
