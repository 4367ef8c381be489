import { checkFields } from '@monozu/api';
import * as z from 'zod/mini';

/**
 * The fields of a new password and its repetition, for a form's schema (with samePassword): the
 * client's check (the server checks again, with more rules).
 */
export const newPassword = {
  password: z.string().check(z.refine((p) => [...p].length >= 12, 'At least 12 characters.')),
  confirm: z.string(),
};

/** The check of a form with newPassword: the same password twice. */
export const samePassword = z.refine<{ password: string; confirm: string }>((v) => v.confirm === v.password, { path: ['confirm'], message: 'The two passwords differ.' });

const newPasswordSchema = z.object(newPassword).check(samePassword);

/** The client's check of a new password (the server checks again, with more rules). */
export const checkNewPassword = (password: string, confirm: string): Record<string, string> => checkFields(newPasswordSchema, { password, confirm });

/** The account name the server accepts: 3–63 lower-case letters, digits and inner hyphens. */
export const ACCOUNT_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** "ACME Chemicals GmbH" → "acme-chemicals-gmbh", a suggestion for the account name. */
export function suggestAccountName(organisation: string): string {
  return organisation
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}
