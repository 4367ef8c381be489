import { tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { LicenseInput, Schema, Tenant, TenantDetail } from '../../../lib/types';

export type { Tenant, TenantDetail, TenantStatus } from '../../../lib/types';

export interface TenantFilters {
  status?: string;
  q?: string;
}

export const PAGE_SIZE = 50;

export const tenantsListQuery = (scope: string | null, filters: TenantFilters) =>
  infiniteQueryOptions({
    queryKey: tenantKey(scope, 'tenants', 'list', filters),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Tenant>>('/tenants', { ...filters, cursor: pageParam, limit: PAGE_SIZE }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

export const tenantDetailQuery = (scope: string | null, id: string) =>
  queryOptions({
    queryKey: tenantKey(scope, 'tenants', 'detail', id),
    queryFn: ({ signal }) => api.get<TenantDetail>('/tenants/' + encodeURIComponent(id), undefined, signal),
  });

export type TenantAction = 'suspend' | 'resume' | 'delete';

export function tenantAction(id: string, action: TenantAction): Promise<TenantDetail> {
  return api.post<TenantDetail>(`/tenants/${encodeURIComponent(id)}/${action}`);
}

export function putLicense(id: string, input: LicenseInput): Promise<TenantDetail> {
  return api.put<TenantDetail>(`/tenants/${encodeURIComponent(id)}/license`, input);
}

export type NewTenant = Schema<'NewTenant'>;

export function createTenant(input: NewTenant): Promise<TenantDetail> {
  return api.post<TenantDetail>('/tenants', input);
}
