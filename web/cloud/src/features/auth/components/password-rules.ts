/** The client's check of a new password (the server checks again, with more rules). */
export function checkNewPassword(password: string, confirm: string): Record<string, string> {
  const e: Record<string, string> = {};
  if ([...password].length < 12) e.password = 'At least 12 characters.';
  if (confirm !== password) e.confirm = 'The two passwords differ.';
  return e;
}

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
