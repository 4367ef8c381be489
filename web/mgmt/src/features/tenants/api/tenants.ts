import { tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';

export type TenantStatus = 'pending' | 'active' | 'suspended' | 'deleted';

export interface Tenant {
  id: string;
  cloud_tenant_id: string;
  account_name: string;
  organization_name: string;
  contact_name: string;
  contact_email: string;
  status: TenantStatus;
  source: 'self_registered' | 'operator';
  registration: string | null;
  deletion_scheduled_at: string | null;
  created_at: string;
}

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
