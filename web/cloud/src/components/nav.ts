import type { Guarded } from '../lib/access';

export interface NavEntry extends Guarded {
  to: string;
  label: string;
  end?: boolean;
  /** Entries with a group are listed under its heading. */
  group?: string;
}

/** The sidebar; entries the user may not open are filtered out (see lib/access). */
export const navEntries: readonly NavEntry[] = [
  { to: '/', label: 'Dashboard', end: true },
  { to: '/assets', label: 'Assets', permission: 'assets.read', group: 'CMDB' },
  { to: '/sites', label: 'Sites', permission: 'sites.read', group: 'CMDB' },
  { to: '/zones', label: 'Zones', permission: 'sites.read', group: 'CMDB' },
  { to: '/vlans', label: 'VLANs', permission: 'sites.read', group: 'CMDB' },
  { to: '/vendors', label: 'Vendors', permission: 'vendors.read', group: 'CMDB' },
  { to: '/discovered', label: 'Discovered devices', permission: 'assets.read', group: 'CMDB' },
  { to: '/drift', label: 'Drift', permission: 'assets.read', group: 'CMDB' },
  { to: '/diagrams', label: 'Diagrams', permission: 'diagrams.read', group: 'CMDB' },
  { to: '/assets/import', label: 'Import', permission: 'assets.create', group: 'CMDB', end: true },
  { to: '/devices', label: 'Devices', permission: 'devices.read', group: 'Edge' },
  { to: '/security/alerts', label: 'Alerts', permission: 'security.read', feature: 'security', group: 'Security' },
  { to: '/settings/users', label: 'Users', permission: 'settings.users.read', group: 'Settings' },
  { to: '/settings/groups', label: 'Groups', permission: 'settings.groups.read', group: 'Settings' },
  { to: '/settings/edge-keys', label: 'Edge registration keys', permission: 'settings.edge_registration_keys.manage', group: 'Settings' },
  { to: '/settings/audit', label: 'Audit log', permission: 'settings.audit.read', group: 'Settings' },
  { to: '/settings/organisation', label: 'Organisation', group: 'Settings' },
];

/** Consecutive entries grouped under their heading (entries without a group form headless groups). */
export function groupNav<T extends { group?: string }>(entries: readonly T[]): { group: string | undefined; items: T[] }[] {
  const out: { group: string | undefined; items: T[] }[] = [];
  for (const e of entries) {
    const last = out[out.length - 1];
    if (last && last.group === e.group) last.items.push(e);
    else out.push({ group: e.group, items: [e] });
  }
  return out;
}
