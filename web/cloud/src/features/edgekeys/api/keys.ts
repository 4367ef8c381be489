import { tenantKey } from '@monozu/api';
import { api } from '../../../lib/api';
import { idempotent, pagedQuery } from '../../../lib/paged';

export type KeyStatus = 'active' | 'expired' | 'exhausted' | 'revoked';

export interface RegistrationKey {
  id: string;
  label: string;
  key_prefix: string;
  site_id: string | null;
  site_name: string | null;
  uses: number;
  max_uses: number | null;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
  status: KeyStatus;
}

export interface CreatedKey extends RegistrationKey {
  /** prov_…; in this answer only. */
  key: string;
}

export interface NewKey {
  label: string;
  expires_at?: string;
  max_uses?: number;
  site_id?: string;
}

export const keysKey = (t: string | null) => tenantKey(t, 'edge-keys');
export const keysQuery = (t: string | null) => pagedQuery<RegistrationKey>(tenantKey(t, 'edge-keys', 'list'), '/edge/keys');
export const createKey = (b: NewKey) => api.post<CreatedKey>('/edge/keys', b, idempotent());
export const revokeKey = (id: string) => api.delete('/edge/keys/' + id);
