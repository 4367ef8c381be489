import { checkFields } from '@monozu/api';
import * as z from 'zod/mini';
import { atMost, filled } from '../../../lib/validation';
import type { SiteInput, VlanInput, ZoneInput } from '../api/sites';

/** null, or a number from -limit to limit (NaN, from a field that is not a number, is not). */
const coordinate = (limit: number, message: string) => z.nullable(z.number({ error: message }).check(z.minimum(-limit, message), z.maximum(limit, message)));

/** Runs a check of the whole form even when a field is not a number at all (NaN). */
const always = () => true;

const siteSchema = z
  .object({
    name: z.string().check(filled('Enter a name.'), atMost(200)),
    code: z.string().check(z.maxLength(32, 'At most 32 characters.')),
    latitude: coordinate(90, 'Between −90 and 90.'),
    longitude: coordinate(180, 'Between −180 and 180.'),
  })
  .check(
    z.refine((v) => v.latitude !== null || v.longitude === null, { path: ['latitude'], message: 'Enter the latitude too, or neither.', when: always }),
    z.refine((v) => v.longitude !== null || v.latitude === null, { path: ['longitude'], message: 'Enter the longitude too, or neither.', when: always }),
  );

const zoneSchema = z.object({
  name: z.string().check(filled('Enter a name.')),
  security_level: z.nullable(z.number({ error: 'Between 0 and 4.' }).check(z.minimum(0, 'Between 0 and 4.'), z.maximum(4, 'Between 0 and 4.'))),
});

const vlanSchema = z
  .object({
    number: z.int({ error: 'A VLAN number is 1–4094.' }).check(z.minimum(1, 'A VLAN number is 1–4094.'), z.maximum(4094, 'A VLAN number is 1–4094.')),
    cidr: z.nullable(z.string().check(z.refine((s) => !s || s.includes('/'), 'Write the network with its prefix length, e.g. 10.0.1.0/24.'))),
    gateway: z.nullable(z.string()),
  })
  .check(z.refine((v) => !v.gateway || !!v.cidr, { path: ['gateway'], message: 'A gateway needs a network (CIDR).', when: always }));

export const validateSite = (v: SiteInput): Record<string, string> => checkFields(siteSchema, v);

export const validateZone = (v: ZoneInput): Record<string, string> => checkFields(zoneSchema, v);

export const validateVlan = (v: VlanInput): Record<string, string> => checkFields(vlanSchema, v);

/** "" → null, else the number (NaN when not a number, caught by validation). */
export function numOrNull(s: string): number | null {
  return s.trim() === '' ? null : Number(s);
}
