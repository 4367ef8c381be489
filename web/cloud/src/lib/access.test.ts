import { describe, expect, it } from 'vitest';
import { allowed, hasPermission } from './access';

describe('access', () => {
  it('checks exact keys, * and area wildcards', () => {
    expect(hasPermission(['*'], 'assets.read')).toBe(true);
    expect(hasPermission(['assets.read'], 'assets.read')).toBe(true);
    expect(hasPermission(['assets.*'], 'assets.update')).toBe(true);
    expect(hasPermission(['sites.read'], 'assets.read')).toBe(false);
  });

  it('filters entries by permission and feature', () => {
    const items = [
      { id: 'dash' },
      { id: 'assets', permission: 'assets.read' },
      { id: 'soc', permission: 'security.read', feature: 'security' },
    ];
    expect(allowed(items, ['assets.read', 'security.read'], { security: false }).map((i) => i.id)).toEqual(['dash', 'assets']);
    expect(allowed(items, ['*'], { security: true }).map((i) => i.id)).toEqual(['dash', 'assets', 'soc']);
  });
});
