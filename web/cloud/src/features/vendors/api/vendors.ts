import { tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Vendor } from '../../../lib/cmdb';
import type { Schema } from '../../../lib/types';

export type VendorInput = Required<Schema<'NewVendor'>>;

export const vendorsQuery = (t: string | null, q: string) =>
  infiniteQueryOptions({
    queryKey: tenantKey(t, 'vendors', 'list', q),
    queryFn: ({ pageParam, signal }) => api.get<Page<Vendor>>('/vendors', { q, cursor: pageParam, limit: 50 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

export const createVendor = (b: VendorInput) => api.post<Vendor>('/vendors', b satisfies Schema<'NewVendor'>, { headers: { 'Idempotency-Key': crypto.randomUUID() } });
export const updateVendor = (id: string, version: number, b: VendorInput) => api.patch<Vendor>('/vendors/' + id, { ...b, version } satisfies Schema<'VendorPatch'>);
export const deleteVendor = (id: string) => api.delete('/vendors/' + id);

export function validateVendor(v: VendorInput): Record<string, string> {
  const e: Record<string, string> = {};
  if (!v.name) e.name = 'Enter a name.';
  for (const k of ['website', 'advisory_url'] as const) if (v[k] && !/^https?:\/\/[^/\s]+/i.test(v[k])) e[k] = 'An http:// or https:// address.';
  if (v.cpe_vendor && /[A-Z\s*?]/.test(v.cpe_vendor)) e.cpe_vendor = 'Lower case, no spaces or wildcards (e.g. siemens).';
  return e;
}
