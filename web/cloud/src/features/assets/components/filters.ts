import type { AssetFilters } from '../api/assets';

const KEYS = ['site_id', 'category', 'criticality', 'lifecycle', 'q'] as const;

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
