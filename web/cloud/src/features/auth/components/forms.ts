import * as z from 'zod/mini';
import { filled } from '../../../lib/validation';
import { ACCOUNT_NAME, newPassword, samePassword } from './password-rules';

/** Self-registration (values trimmed, the passwords as typed). */
export const registrationSchema = z
  .object({
    organization_name: z.string().check(z.minLength(1, 'Enter the name of your organisation.')),
    account_name: z.string().check(z.regex(ACCOUNT_NAME, '3–63 lower-case letters, digits and hyphens.')),
    email: z.string().check(z.includes('@', 'Enter your work e-mail address.')),
    ...newPassword,
  })
  .check(samePassword);

/** Accepting an invitation: a name and a password. */
export const invitationSchema = z
  .object({
    display_name: z.string().check(filled('Enter your name.')),
    ...newPassword,
  })
  .check(samePassword);

/** Asking for a password reset link. */
export const forgotPasswordSchema = z.object({ email: z.string().check(z.includes('@', 'Enter your e-mail address.')) });
