import type { SiteInput, VlanInput, ZoneInput } from '../api/sites';

export function validateSite(v: SiteInput): Record<string, string> {
  const e: Record<string, string> = {};
  if (!v.name.trim()) e.name = 'Enter a name.';
  else if (v.name.trim().length > 200) e.name = 'At most 200 characters.';
  if (v.code.length > 32) e.code = 'At most 32 characters.';
  if ((v.latitude === null) !== (v.longitude === null)) {
    if (v.latitude === null) e.latitude = 'Enter the latitude too, or neither.';
    else e.longitude = 'Enter the longitude too, or neither.';
  }
  if (v.latitude !== null && (Number.isNaN(v.latitude) || v.latitude < -90 || v.latitude > 90)) e.latitude = 'Between −90 and 90.';
  if (v.longitude !== null && (Number.isNaN(v.longitude) || v.longitude < -180 || v.longitude > 180)) e.longitude = 'Between −180 and 180.';
  return e;
}

export function validateZone(v: ZoneInput): Record<string, string> {
  const e: Record<string, string> = {};
  if (!v.name.trim()) e.name = 'Enter a name.';
  if (v.security_level !== null && (v.security_level < 0 || v.security_level > 4)) e.security_level = 'Between 0 and 4.';
  return e;
}

export function validateVlan(v: VlanInput): Record<string, string> {
  const e: Record<string, string> = {};
  if (!Number.isInteger(v.number) || v.number < 1 || v.number > 4094) e.number = 'A VLAN number is 1–4094.';
  if (v.gateway && !v.cidr) e.gateway = 'A gateway needs a network (CIDR).';
  if (v.cidr && !v.cidr.includes('/')) e.cidr = 'Write the network with its prefix length, e.g. 10.0.1.0/24.';
  return e;
}

/** "" → null, else the number (NaN when not a number, caught by validation). */
export function numOrNull(s: string): number | null {
  return s.trim() === '' ? null : Number(s);
}
