import { tenantKey } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { ManagedUser } from '../../../lib/identity';
import { idempotent, pagedQuery } from '../../../lib/paged';
import type { Schema } from '../../../lib/types';

export interface UserFilters {
  status: string;
  q: string;
}

export type UserDetail = Schema<'UserDetail'>;

export type Invitation = Schema<'Invitation'>;

export const usersQuery = (t: string | null, f: UserFilters) =>
  pagedQuery<ManagedUser>(tenantKey(t, 'users', 'list', f), '/settings/users', { status: f.status || undefined, q: f.q || undefined });

export const userQuery = (t: string | null, id: string) =>
  queryOptions({ queryKey: tenantKey(t, 'users', 'detail', id), queryFn: ({ signal }) => api.get<UserDetail>('/settings/users/' + id, undefined, signal) });

export const invitationsQuery = (t: string | null) =>
  queryOptions({
    queryKey: tenantKey(t, 'users', 'invitations'),
    queryFn: ({ signal }) => api.get<Schema<'InvitationList'>>('/settings/users/invitations', undefined, signal).then((r) => r.items),
  });

export type UserAction = 'disable' | 'enable' | 'end-sessions' | 'remove';

export function runUserAction(id: string, action: UserAction): Promise<unknown> {
  switch (action) {
    case 'disable':
      return api.post<ManagedUser>('/settings/users/' + id + '/disable');
    case 'enable':
      return api.post<ManagedUser>('/settings/users/' + id + '/enable');
    case 'end-sessions':
      return api.post<{ ended: number }>('/settings/users/' + id + '/sessions/end');
    case 'remove':
      return api.delete('/settings/users/' + id);
  }
}

export const addToGroup = (groupId: string, userId: string) => api.put('/settings/groups/' + groupId + '/members/' + userId);
export const removeFromGroup = (groupId: string, userId: string) => api.delete('/settings/groups/' + groupId + '/members/' + userId);

export const invite = (email: string, groupIds: string[]) => api.post<Invitation>('/settings/users/invitations', { email, group_ids: groupIds } satisfies Schema<'NewInvitation'>, idempotent());
export const resendInvitation = (id: string) => api.post('/settings/users/invitations/' + id + '/resend');
export const revokeInvitation = (id: string) => api.delete('/settings/users/invitations/' + id);
