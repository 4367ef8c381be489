/** Identity shapes shared by the users and groups features (generated from the API's OpenAPI document). */
import { tenantKey, type Page } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from './api';
import type { Schema } from './types';

export type Group = Schema<'Group'>;
export type ManagedUser = Schema<'ManagedUser'>;

/** Every group (the API caps a page at 200; tenants hold far fewer groups), for pickers. */
export const groupOptionsQuery = (t: string | null) =>
  queryOptions({
    queryKey: tenantKey(t, 'groups', 'options'),
    queryFn: ({ signal }) => api.get<Page<Group>>('/settings/groups', { limit: 200 }, signal).then((p) => p.items),
    staleTime: 30_000,
  });
