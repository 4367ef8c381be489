import { api } from '../../../lib/api';
import type { TokenResponse } from '../../../lib/types';
import type { Schema } from '../../../lib/types';

export function login(email: string, password: string): Promise<TokenResponse> {
  return api.post<TokenResponse>('/auth/login', { email, password } satisfies Schema<'LoginRequest'>, { auth: false });
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

export type Registration = Schema<'Registration'>;

export const register = (r: Registration) =>
  api.post<Schema<'RegisterResponse'>>('/auth/register', r, { auth: false });

export const acceptInvitation = (token: string, displayName: string, password: string) =>
  api.post<TokenResponse>('/auth/invitations/accept', { token, display_name: displayName, password } satisfies Schema<'AcceptInvitationRequest'>, { auth: false });

export const forgotPassword = (email: string) => api.post<Schema<'Accepted'>>('/auth/password/forgot', { email } satisfies Schema<'ForgotPasswordRequest'>, { auth: false });

export const resetPassword = (token: string, password: string) => api.post('/auth/password/reset', { token, password } satisfies Schema<'ResetPasswordRequest'>, { auth: false });
