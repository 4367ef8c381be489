import { useCallback } from 'react';
import { hasPermission } from '../lib/access';
import { useMe } from './useMe';

/** `can('assets.update')`: whether the signed-in user holds the permission (false while loading). */
export function useCan(): (permission: string) => boolean {
  const me = useMe();
  const perms = me.data?.permissions;
  return useCallback((permission: string) => hasPermission(perms ?? [], permission), [perms]);
}
