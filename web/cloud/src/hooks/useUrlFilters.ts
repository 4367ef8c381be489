import { useSearchParams } from 'react-router-dom';

/**
 * List filters kept in the URL search params (shareable, survive reload). Empty values are left
 * out; changing filters replaces the history entry.
 */
export function useUrlFilters<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const filters = {} as Record<K, string>;
  for (const k of keys) filters[k] = params.get(k) ?? '';
  const setFilters = (next: Partial<Record<K, string>>) => {
    const p = new URLSearchParams();
    const merged = { ...filters, ...next };
    for (const k of keys) if (merged[k]) p.set(k, merged[k]);
    setParams(p, { replace: true });
  };
  const active = keys.some((k) => filters[k] !== '');
  return { filters, setFilters, active };
}
