import { describe, expect, it } from 'vitest';
import { filtersFromParams, paramsFromFilters } from './filters';

describe('asset filters', () => {
  it('round-trips through the URL and drops empty values', () => {
    const f = filtersFromParams(new URLSearchParams('category=ot&q=%20plc%20&lifecycle=&other=x'));
    expect(f).toEqual({ category: 'ot', q: 'plc' });
    expect(paramsFromFilters(f).toString()).toBe('category=ot&q=plc');
  });
});
