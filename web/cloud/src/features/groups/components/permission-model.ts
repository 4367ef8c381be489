import { hasPermission } from '../../../lib/access';

/**
 * The area each permission key belongs to, by resource, in the order of the API's catalogue
 * (internal/platform/rbac). The API has no catalogue endpoint, so the keys offered are the caller's
 * own (GET /me lists them in catalogue order, and a group may only grant keys the caller holds).
 */
const AREAS: readonly (readonly [area: string, resources: readonly string[]])[] = [
  ['CMDB', ['assets', 'sites', 'vendors', 'diagrams']],
  ['Edge', ['devices', 'settings.edge_registration_keys']],
  ['ITSM', ['incidents', 'problems', 'changes', 'service_requests', 'releases', 'maintenance', 'pirs', 'knowledge']],
  ['Security', ['security', 'vulnerabilities', 'compliance']],
  ['VPN', ['vpn']],
  ['Backup', ['backup']],
  ['Settings', ['settings']],
];

/** The area of a key: the longest resource prefix that matches wins ("settings.edge_registration_keys" is Edge). */
export function areaOf(key: string): string {
  let best = { area: 'Other', length: 0 };
  for (const [area, resources] of AREAS)
    for (const r of resources) if (key.startsWith(r + '.') && r.length > best.length) best = { area, length: r.length };
  return best.area;
}

export interface PermissionArea {
  area: string;
  keys: string[];
}

/** Keys grouped by area, areas in catalogue order, keys in the order given. Wildcards are left out. */
export function groupByArea(keys: readonly string[]): PermissionArea[] {
  const order = [...AREAS.map(([a]) => a), 'Other'];
  const by = new Map<string, string[]>();
  for (const k of keys) {
    if (k.includes('*')) continue;
    const a = areaOf(k);
    const list = by.get(a) ?? [];
    if (!list.includes(k)) list.push(k);
    by.set(a, list);
  }
  return order.filter((a) => by.has(a)).map((area) => ({ area, keys: by.get(area) ?? [] }));
}

/** The keys a grid offers: the caller's own, then any other plain key the group already has. */
export function offeredKeys(own: readonly string[], granted: readonly string[]): string[] {
  const out = [...own];
  for (const g of granted) if (!g.includes('*') && !out.includes(g)) out.push(g);
  return out;
}

/** The offered keys the grants cover, wildcards expanded ("assets.*" checks every assets key). */
export function checkedKeys(granted: readonly string[], offered: readonly string[]): string[] {
  return offered.filter((k) => hasPermission(granted, k));
}

/** Selection after toggling one key, in the offered order. */
export function toggleKey(selected: readonly string[], key: string, on: boolean, offered: readonly string[]): string[] {
  const set = new Set(selected);
  if (on) set.add(key);
  else set.delete(key);
  return offered.filter((k) => set.has(k));
}

/** Selection after switching a whole area on or off; keys the caller may not grant stay as they are. */
export function toggleArea(selected: readonly string[], area: PermissionArea, on: boolean, offered: readonly string[], grantable: (k: string) => boolean): string[] {
  const set = new Set(selected);
  for (const k of area.keys) {
    if (!grantable(k)) continue;
    if (on) set.add(k);
    else set.delete(k);
  }
  return offered.filter((k) => set.has(k));
}

/** Whether an area's box is checked, unchecked or mixed. */
export function areaState(selected: readonly string[], area: PermissionArea): 'all' | 'none' | 'some' {
  const n = area.keys.filter((k) => selected.includes(k)).length;
  return n === 0 ? 'none' : n === area.keys.length ? 'all' : 'some';
}
