import { ApiError, errorMessage } from '@monozu/api';

const messages: Record<string, string> = {
  version_conflict: 'Someone else changed this in the meantime. The latest data has been loaded; check it and try again.',
  tenant_deleted: 'This tenant is deleted; its licence can no longer change.',
  tenant_not_active: 'Only an active tenant can be suspended.',
  tenant_not_suspended: 'Only a suspended tenant can be resumed.',
  license_required: 'Assign a licence before resuming this tenant.',
  registration_not_pending: 'This registration was decided already.',
  own_account: 'You cannot disable or demote your own account.',
  last_admin: 'The last active admin must stay an active admin.',
  forbidden: 'Your role (support) may only read. Ask an admin.',
};

/** A human message for a failed action, with known conflict codes explained. */
export function actionMessage(e: unknown): string {
  if (e instanceof ApiError) {
    const known = messages[e.code];
    if (known) return known;
    if (e.status === 403) return messages.forbidden ?? errorMessage(e);
  }
  return errorMessage(e);
}

/** The server's per-field messages of an error (empty when there are none). */
export function fieldErrorsOf(e: unknown): Record<string, string> {
  return e instanceof ApiError ? e.fieldErrors : {};
}

/** True when the error is a 409 version conflict (reload, then retry). */
export function isVersionConflict(e: unknown): boolean {
  return e instanceof ApiError && e.code === 'version_conflict';
}
