import { tenantKey, useSession } from '@monozu/api';
import { useQuery } from '@tanstack/react-query';
import { api, sessionStore } from '../lib/api';
import type { Operator } from '../lib/types';

/** The signed-in operator (GET /me). */
export function useOperator() {
  const scope = useSession(sessionStore, (s) => s.tenantId);
  const status = useSession(sessionStore, (s) => s.status);
  return useQuery({
    queryKey: tenantKey(scope, 'me'),
    queryFn: ({ signal }) => api.get<Operator>('/me', undefined, signal),
    enabled: status === 'authenticated',
    staleTime: 60_000,
  });
}

/** The scope query keys start with ("mgmt" for operators). */
export function useScope(): string | null {
  return useSession(sessionStore, (s) => s.tenantId);
}

/** True when the signed-in operator may change things (admins; support operators read only). */
export function useIsAdmin(): boolean {
  return useOperator().data?.role === 'admin';
}
