import { tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  id: string;
  event_id: string;
  tenant_id: string;
  payload: unknown;
  status: DeliveryStatus;
  attempts: number;
  last_error: string;
  created_at: string;
  give_up_at: string;
  delivered_at: string | null;
}

export interface Attempt {
  at: string;
  status_code: number | null;
  latency_ms: number;
  error: string;
  response: string;
}

export interface DeliveryDetail extends Delivery {
  attempt_log: Attempt[];
}

export const deliveriesQuery = (scope: string | null) =>
  infiniteQueryOptions({
    queryKey: tenantKey(scope, 'deliveries', 'list'),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Delivery>>('/webhook-deliveries', { cursor: pageParam, limit: 100 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

export const deliveryQuery = (scope: string | null, id: string) =>
  queryOptions({
    queryKey: tenantKey(scope, 'deliveries', 'detail', id),
    queryFn: ({ signal }) => api.get<DeliveryDetail>('/webhook-deliveries/' + encodeURIComponent(id), undefined, signal),
  });

export function redeliver(id: string): Promise<Delivery> {
  return api.post<Delivery>(`/webhook-deliveries/${encodeURIComponent(id)}/redeliver`);
}
