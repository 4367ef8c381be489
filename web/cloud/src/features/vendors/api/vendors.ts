import { checkFields, tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions } from '@tanstack/react-query';
import * as z from 'zod/mini';
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

const httpAddress = z.string().check(z.refine((s) => !s || /^https?:\/\/[^/\s]+/i.test(s), 'An http:// or https:// address.'));

const vendorSchema = z.object({
  name: z.string().check(z.minLength(1, 'Enter a name.')),
  website: httpAddress,
  advisory_url: httpAddress,
  cpe_vendor: z.string().check(z.refine((s) => !/[A-Z\s*?]/.test(s), 'Lower case, no spaces or wildcards (e.g. siemens).')),
});

export const validateVendor = (v: VendorInput): Record<string, string> => checkFields(vendorSchema, v);
