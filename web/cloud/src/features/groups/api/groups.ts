import { checkFields, tenantKey } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import * as z from 'zod/mini';
import { api } from '../../../lib/api';
import type { Group } from '../../../lib/identity';
import type { CataloguePermission } from '../components/permission-model';
import { idempotent, pagedQuery } from '../../../lib/paged';
import type { Schema } from '../../../lib/types';

export type GroupMember = Schema<'GroupMember'>;

export type GroupDetail = Schema<'GroupDetail'>;

export type GroupInput = Required<Schema<'NewGroup'>>;

export const groupsQuery = (t: string | null) => pagedQuery<Group>(tenantKey(t, 'groups', 'list'), '/settings/groups');

export const groupQuery = (t: string | null, id: string) =>
  queryOptions({ queryKey: tenantKey(t, 'groups', 'detail', id), queryFn: ({ signal }) => api.get<GroupDetail>('/settings/groups/' + id, undefined, signal) });

export const createGroup = (b: GroupInput) => api.post<Group>('/settings/groups', b, idempotent());
/** Built-in groups keep name and permissions: send only what may change. */
export const updateGroup = (id: string, version: number, b: Partial<GroupInput>) => api.patch<Group>('/settings/groups/' + id, { ...b, version } satisfies Schema<'GroupPatch'>);
export const deleteGroup = (id: string) => api.delete('/settings/groups/' + id);
export const removeMember = (groupId: string, userId: string) => api.delete('/settings/groups/' + groupId + '/members/' + userId);

const groupSchema = z.object({
  name: z.string().check(z.minLength(1, 'Enter a name.'), z.maxLength(100, 'At most 100 characters.')),
  description: z.string().check(z.maxLength(1000, 'At most 1,000 characters.')),
});

export const validateGroup = (b: GroupInput): Record<string, string> => checkFields(groupSchema, b);

/** The permission catalogue; the same for every organisation, so it is cached for the session. */
export const permissionCatalogueQuery = (t: string | null) =>
  queryOptions({
    queryKey: tenantKey(t, 'permissions', 'catalogue'),
    queryFn: ({ signal }) => api.get<CataloguePermission[]>('/settings/permissions', undefined, signal),
    staleTime: Infinity,
  });
