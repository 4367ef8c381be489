import { hasPermission } from '../../../lib/access';
import type { Schema } from '../../../lib/types';

/** One entry of the API's permission catalogue (GET /settings/permissions). */
export type CataloguePermission = Schema<'Permission'>;

export interface PermissionArea {
  area: string;
  keys: string[];
}

/** Keys outside the catalogue (or all keys, when the caller may not read it) land here. */
export const OTHER_AREA = 'Other';

/**
 * Keys grouped by their catalogue area, areas in catalogue order, keys in the order given.
 * Wildcards are left out.
 */
export function groupByArea(keys: readonly string[], catalogue: readonly CataloguePermission[]): PermissionArea[] {
  const areaOf = new Map(catalogue.map((p) => [p.key, p.area]));
  const order = [...new Set(catalogue.map((p) => p.area)), OTHER_AREA];
  const by = new Map<string, string[]>();
  for (const k of keys) {
    if (k.includes('*')) continue;
    const a = areaOf.get(k) ?? OTHER_AREA;
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
