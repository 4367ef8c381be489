import type { Vlan } from '../../../lib/cmdb';

/**
 * The VLANs an asset of the site may sit in: the site's own (through their zone) and those whose
 * zone has no site, or that have no zone at all — the server accepts those for any site.
 * Sorted by site first, then number.
 */
export function vlansForSite(vlans: readonly Vlan[], siteId: string): Vlan[] {
  if (!siteId) return [];
  return vlans
    .filter((v) => v.site_id === null || v.site_id === siteId)
    .sort((a, b) => (a.site_id === b.site_id ? a.number - b.number : a.site_id === null ? 1 : -1));
}

/** Keeps the selected VLANs that still fit the (new) site, in their order. Unknown ids are kept (not loaded). */
export function pruneVlanSelection(selected: readonly string[], vlans: readonly Vlan[], siteId: string): string[] {
  const byId = new Map(vlans.map((v) => [v.id, v]));
  return selected.filter((id) => {
    const v = byId.get(id);
    return !v || v.site_id === null || v.site_id === siteId;
  });
}

export function vlanLabel(v: Pick<Vlan, 'number' | 'name' | 'zone_name' | 'cidr'>): string {
  return 'VLAN ' + String(v.number) + (v.name ? ' ' + v.name : '') + (v.zone_name ? ' · ' + v.zone_name : ' · no zone') + (v.cidr ? ' · ' + v.cidr : '');
}
