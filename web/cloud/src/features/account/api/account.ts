import { tenantKey } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Schema } from '../../../lib/types';

export type MfaSetup = Schema<'MFASetup'>;

export type Session = Schema<'Session'>;

export const startMfaSetup = () => api.post<MfaSetup>('/me/mfa/setup');
export const confirmMfa = (code: string) => api.post<Schema<'RecoveryCodesResponse'>>('/me/mfa/confirm', { code } satisfies Schema<'MFAConfirmRequest'>);
export const disableMfa = (password: string) => api.post('/me/mfa/disable', { password } satisfies Schema<'PasswordRequest'>);
export const regenerateRecoveryCodes = (password: string) => api.post<Schema<'RecoveryCodesResponse'>>('/me/mfa/recovery-codes', { password } satisfies Schema<'PasswordRequest'>);

export const sessionsQuery = (t: string | null) =>
  queryOptions({
    queryKey: tenantKey(t, 'me', 'sessions'),
    queryFn: ({ signal }) => api.get<{ items: Session[] }>('/me/sessions', undefined, signal).then((r) => r.items),
  });

export const endSession = (id: string) => api.delete('/me/sessions/' + id);
