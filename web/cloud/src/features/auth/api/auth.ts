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

export interface Registration {
  organization_name: string;
  account_name: string;
  display_name: string;
  email: string;
  password: string;
}

export const register = (r: Registration) =>
  api.post<{ tenant_id: string; status: string }>('/auth/register', r, { auth: false });

export const acceptInvitation = (token: string, displayName: string, password: string) =>
  api.post<TokenResponse>('/auth/invitations/accept', { token, display_name: displayName, password }, { auth: false });

export const forgotPassword = (email: string) => api.post<{ status: string }>('/auth/password/forgot', { email }, { auth: false });

export const resetPassword = (token: string, password: string) => api.post('/auth/password/reset', { token, password }, { auth: false });
