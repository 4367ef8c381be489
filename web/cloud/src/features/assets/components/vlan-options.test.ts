import { describe, expect, it } from 'vitest';
import type { Vlan } from '../../../lib/cmdb';
import { pruneVlanSelection, vlansForSite } from './vlan-options';

const v = (id: string, number: number, site_id: string | null, zone_id: string | null = 'z'): Vlan => ({
  id,
  number,
  name: '',
  zone_id,
  zone_name: zone_id ? 'Zone' : '',
  site_id,
  site_name: site_id ?? '',
  cidr: null,
  gateway: null,
  asset_count: 0,
  version: 1,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
});

const all = [v('a20', 20, 'A'), v('a10', 10, 'A'), v('b10', 10, 'B'), v('free', 5, null, null), v('sitelesszone', 7, null)];

describe('VLAN choices by site', () => {
  it('offers the site VLANs (by number) and then the zone-less and site-less ones', () => {
    expect(vlansForSite(all, 'A').map((x) => x.id)).toEqual(['a10', 'a20', 'free', 'sitelesszone']);
    expect(vlansForSite(all, 'B').map((x) => x.id)).toEqual(['b10', 'free', 'sitelesszone']);
  });

  it('offers nothing before a site is chosen', () => {
    expect(vlansForSite(all, '')).toEqual([]);
  });

  it('drops selections of another site when the site changes, keeping the order', () => {
    expect(pruneVlanSelection(['a20', 'free', 'b10', 'unknown'], all, 'B')).toEqual(['free', 'b10', 'unknown']);
  });
});
