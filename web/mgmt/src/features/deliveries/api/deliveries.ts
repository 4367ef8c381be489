import { tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Schema } from '../../../lib/types';

export type Delivery = Schema<'Delivery'>;
export type DeliveryStatus = Delivery['status'];

export type Attempt = Schema<'Attempt'>;

export type DeliveryDetail = Schema<'DeliveryDetail'>;

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
