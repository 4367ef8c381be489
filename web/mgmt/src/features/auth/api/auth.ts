import { api } from '../../../lib/api';
import type { LoginResponse, TokenResponse } from '../../../lib/types';

/** Password step: the management plane always answers with a TOTP challenge. */
export function login(email: string, password: string): Promise<LoginResponse> {
  return api.post<LoginResponse>('/auth/login', { email, password }, { auth: false });
}

export async function verifyTotp(sessionToken: string, totpCode: string): Promise<void> {
  const res = await api.post<TokenResponse>(
    '/auth/mfa/verify',
    { session_token: sessionToken, totp_code: totpCode },
    { auth: false },
  );
  api.acceptToken(res.access_token);
}
