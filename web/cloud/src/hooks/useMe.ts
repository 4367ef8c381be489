import { tenantKey, useSession } from '@monozu/api';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, sessionStore } from '../lib/api';
import type { Me, Schema, User } from '../lib/types';

export const fetchMe = (signal?: AbortSignal) => api.get<Me>('/me', undefined, signal);

export type ProfilePatch = Schema<'ProfilePatch'>;

/** Changes the signed-in user's own profile (name, e-mail, password, appearance). */
export const patchMe = (body: ProfilePatch) => api.patch<User>('/me', body);

export const meQueryOptions = (tenantId: string | null) =>
  queryOptions({
    queryKey: tenantKey(tenantId, 'me'),
    queryFn: ({ signal }) => fetchMe(signal),
    staleTime: 60_000,
  });

/** The signed-in user, tenant, permissions and licensed features. */
export function useMe() {
  const tenantId = useSession(sessionStore, (s) => s.tenantId);
  const status = useSession(sessionStore, (s) => s.status);
  return useQuery({ ...meQueryOptions(tenantId), enabled: status === 'authenticated' });
}

/** The tenant id that query keys start with. */
export function useTenantId(): string | null {
  return useSession(sessionStore, (s) => s.tenantId);
}
