import { describe, expect, it } from 'vitest';
import { ariaSort, filtersFromParams, nextSort, paramsFromFilters } from './filters';

describe('asset filters', () => {
  it('round-trips through the URL and drops empty values', () => {
    const f = filtersFromParams(new URLSearchParams('category=ot&q=%20plc%20&lifecycle=&other=x'));
    expect(f).toEqual({ category: 'ot', q: 'plc' });
    expect(paramsFromFilters(f).toString()).toBe('category=ot&q=plc');
  });

  it('keeps the sort and the count-link filters', () => {
    const f = filtersFromParams(new URLSearchParams('zone_id=z&vlan_id=v&sort=-criticality'));
    expect(f).toEqual({ zone_id: 'z', vlan_id: 'v', sort: '-criticality' });
  });

  it('toggles the sort direction per column', () => {
    expect(nextSort(undefined, 'site')).toBe('site');
    expect(nextSort('site', 'site')).toBe('-site');
    expect(nextSort('-site', 'site')).toBe('site');
    expect(ariaSort(undefined, 'name')).toBe('ascending');
    expect(ariaSort('-site', 'site')).toBe('descending');
    expect(ariaSort('-site', 'name')).toBe('none');
  });
});
