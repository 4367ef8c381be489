import type { AssetFilters } from '../api/assets';

const KEYS = ['site_id', 'zone_id', 'vlan_id', 'vendor_id', 'category', 'type', 'criticality', 'lifecycle', 'source', 'tag', 'q', 'sort'] as const;

/** Filters live in the URL so a filtered list can be shared and survives reload. */
export function filtersFromParams(params: URLSearchParams): AssetFilters {
  const f: AssetFilters = {};
  for (const k of KEYS) {
    const v = params.get(k)?.trim();
    if (v) f[k] = v;
  }
  return f;
}

export function paramsFromFilters(f: AssetFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of KEYS) {
    const v = f[k];
    if (v) p.set(k, v);
  }
  return p;
}

/** Next sort after clicking a column header: ascending, then descending, then back to ascending. */
export function nextSort(current: string | undefined, column: string): string {
  return current === column ? '-' + column : column;
}

/** The aria-sort of a column for the current sort ("name" when none is given). */
export function ariaSort(current: string | undefined, column: string): 'ascending' | 'descending' | 'none' {
  const s = current || 'name';
  if (s === column) return 'ascending';
  if (s === '-' + column) return 'descending';
  return 'none';
}
