import { tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { LicenseInput, RegistrationState, Schema, Tenant, TenantDetail } from '../../../lib/types';

export const registrationsQuery = (scope: string | null, status: RegistrationState) =>
  infiniteQueryOptions({
    queryKey: tenantKey(scope, 'registrations', 'list', { status }),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Tenant>>('/registrations', { status, cursor: pageParam, limit: 50 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

export function approveRegistration(id: string, input: LicenseInput): Promise<TenantDetail> {
  return api.post<TenantDetail>(`/registrations/${encodeURIComponent(id)}/approve`, input);
}

export function rejectRegistration(id: string, reason: string): Promise<TenantDetail> {
  return api.post<TenantDetail>(`/registrations/${encodeURIComponent(id)}/reject`, { reason } satisfies Schema<'Rejection'>);
}
