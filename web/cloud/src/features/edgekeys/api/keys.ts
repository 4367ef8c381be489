import { tenantKey } from '@monozu/api';
import { api } from '../../../lib/api';
import { idempotent, pagedQuery } from '../../../lib/paged';
import type { Schema } from '../../../lib/types';


export type RegistrationKey = Schema<'RegistrationKey'>;
export type KeyStatus = RegistrationKey['status'];

/** The new key: `key` (prov_…) is in this answer only. */
export type CreatedKey = Schema<'CreatedKey'>;

export type NewKey = Schema<'NewKey'>;

export const keysKey = (t: string | null) => tenantKey(t, 'edge-keys');
export const keysQuery = (t: string | null) => pagedQuery<RegistrationKey>(tenantKey(t, 'edge-keys', 'list'), '/edge/keys');
export const createKey = (b: NewKey) => api.post<CreatedKey>('/edge/keys', b, idempotent());
export const revokeKey = (id: string) => api.delete('/edge/keys/' + id);
