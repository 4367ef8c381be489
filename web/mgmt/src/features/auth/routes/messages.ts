import { ApiError } from '@monozu/api';

export function signInMessage(e: unknown): string {
  if (!(e instanceof ApiError)) return 'Sign-in failed. Try again.';
  switch (e.code) {
    case 'invalid_credentials':
      return 'The e-mail address or password is not correct.';
    case 'invalid_mfa_code':
      return 'The code is wrong or has expired. The sign-in attempt lasts 5 minutes; after that, start again.';
    case 'account_locked':
      return `Too many failed attempts. Try again in ${String(Math.ceil((e.retryAfter ?? 900) / 60))} minutes.`;
    case 'network_error':
      return 'The server cannot be reached. Check your connection.';
    default:
      if (e.status === 429) return 'Too many attempts. Wait a minute and try again.';
      return e.detail || 'Sign-in failed. Try again.';
  }
}
