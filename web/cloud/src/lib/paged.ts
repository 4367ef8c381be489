import type { Page, Query } from '@monozu/api';
import { infiniteQueryOptions, type QueryKey } from '@tanstack/react-query';
import { api } from './api';

/** Infinite-query options for a keyset-paged list endpoint (`{ items, next_cursor }`), 50 a page. */
export function pagedQuery<T>(queryKey: QueryKey, path: string, query: Query = {}) {
  return infiniteQueryOptions({
    queryKey,
    queryFn: ({ pageParam, signal }) => api.get<Page<T>>(path, { ...query, cursor: pageParam, limit: 50 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** The items of every loaded page. */
export function pageItems<T>(data: { pages: readonly Page<T>[] } | undefined): T[] {
  return data?.pages.flatMap((p) => p.items) ?? [];
}

/** The Idempotency-Key header for a POST that creates something. */
export const idempotent = () => ({ headers: { 'Idempotency-Key': crypto.randomUUID() } });
