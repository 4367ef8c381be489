import { tenantKey } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';

export interface MfaSetup {
  secret: string;
  otpauth_url: string;
}

export interface Session {
  id: string;
  created_at: string;
  last_used_at: string;
  ip: string | null;
  user_agent: string;
  current: boolean;
}

export const startMfaSetup = () => api.post<MfaSetup>('/me/mfa/setup');
export const confirmMfa = (code: string) => api.post<{ recovery_codes: string[] }>('/me/mfa/confirm', { code });
export const disableMfa = (password: string) => api.post('/me/mfa/disable', { password });
export const regenerateRecoveryCodes = (password: string) => api.post<{ recovery_codes: string[] }>('/me/mfa/recovery-codes', { password });

export const sessionsQuery = (t: string | null) =>
  queryOptions({
    queryKey: tenantKey(t, 'me', 'sessions'),
    queryFn: ({ signal }) => api.get<{ items: Session[] }>('/me/sessions', undefined, signal).then((r) => r.items),
  });

export const endSession = (id: string) => api.delete('/me/sessions/' + id);
