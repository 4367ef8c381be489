import { themeStore, type ThemeChoice } from '@monozu/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { Me } from '../lib/types';
import { meQueryOptions, patchMe, useMe, useTenantId } from './useMe';

/**
 * Applies the user's saved appearance (light, dark or system) once per sign-in, so the theme
 * follows the account from browser to browser; later changes are the user's own.
 */
export function useServerAppearance() {
  const me = useMe();
  const applied = useRef<string | null>(null);
  const user = me.data?.user;
  useEffect(() => {
    if (!user || applied.current === user.id) return;
    applied.current = user.id;
    themeStore.getState().setChoice(user.appearance);
  }, [user]);
}

/** Saves an appearance choice on the account and keeps the cached /me in step. */
export function useSaveAppearance() {
  const t = useTenantId();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (appearance: ThemeChoice) => patchMe({ appearance }),
    onSuccess: (user) => qc.setQueryData<Me>(meQueryOptions(t).queryKey, (m) => (m ? { ...m, user } : m)),
  });
}
