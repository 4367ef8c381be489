import type { QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { sessionIdentity, type SessionStore } from './session-store';

/**
 * Query keys start with the tenant id, so cached data never crosses tenants:
 * `tenantKey(tenantId, 'assets', 'list', filters)`.
 */
export function tenantKey<const T extends readonly unknown[]>(tenantId: string | null, ...parts: T) {
  return [tenantId ?? 'anonymous', ...parts] as const;
}

/**
 * Clears the whole query cache whenever the session's tenant or user changes (sign-in as
 * someone else, sign-out, failed refresh). Returns the unsubscribe function.
 */
export function bindCacheToSession(store: SessionStore, queryClient: QueryClient): () => void {
  let identity = sessionIdentity(store.getState());
  return store.subscribe((state) => {
    const next = sessionIdentity(state);
    if (next !== identity) {
      identity = next;
      queryClient.clear();
    }
  });
}

/** React hook form of bindCacheToSession, mounted once near the root. */
export function useClearCacheOnSessionChange(store: SessionStore, queryClient: QueryClient): void {
  useEffect(() => bindCacheToSession(store, queryClient), [store, queryClient]);
}
