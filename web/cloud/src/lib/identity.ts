/** Identity shapes shared by the users and groups features (see /api/v1/openapi.json). */
import { tenantKey, type Page } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from './api';
import type { User } from './types';

export interface Group {
  id: string;
  name: string;
  description: string;
  /** Catalogue keys, "*" or "area.*". */
  permissions: string[];
  built_in?: 'admin' | 'read_only';
  member_count: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ManagedUser extends User {
  version: number;
}

/** Every group (the API caps a page at 200; tenants hold far fewer groups), for pickers. */
export const groupOptionsQuery = (t: string | null) =>
  queryOptions({
    queryKey: tenantKey(t, 'groups', 'options'),
    queryFn: ({ signal }) => api.get<Page<Group>>('/settings/groups', { limit: 200 }, signal).then((p) => p.items),
    staleTime: 30_000,
  });
