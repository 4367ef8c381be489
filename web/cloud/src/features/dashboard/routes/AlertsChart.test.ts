import { describe, expect, it } from 'vitest';
import { chartRows } from './AlertsChart';

describe('chartRows', () => {
  it('keeps every bucket in order with its counts', () => {
    const zero = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
    const rows = chartRows({
      bucket: 'day',
      from: '2026-03-01T00:00:00Z',
      to: '2026-03-03T00:00:00Z',
      points: [
        { start: '2026-03-01T00:00:00Z', counts: { ...zero, high: 2 } },
        { start: '2026-03-02T00:00:00Z', counts: zero },
      ],
    });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ high: 2, critical: 0 });
    expect(rows[1]).toMatchObject(zero);
    expect(rows[0]?.label).not.toBe(rows[1]?.label);
  });
});
