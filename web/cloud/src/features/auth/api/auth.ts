import { api } from '../../../lib/api';
import type { TokenResponse } from '../../../lib/types';

export function login(email: string, password: string): Promise<TokenResponse> {
  return api.post<TokenResponse>('/auth/login', { email, password }, { auth: false });
}

export function verifyMfa(
  sessionToken: string,
  code: { totp_code: string } | { recovery_code: string },
): Promise<TokenResponse> {
  return api.post<TokenResponse>('/auth/mfa/verify', { session_token: sessionToken, ...code }, { auth: false });
}

/** Keeps the access token of a completed sign-in; false when the answer asks for a second factor. */
export function acceptSignIn(res: TokenResponse): boolean {
  if (!res.access_token) return false;
  api.acceptToken(res.access_token);
  return true;
}
