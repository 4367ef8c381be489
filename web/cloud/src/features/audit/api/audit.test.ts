import { describe, expect, it } from 'vitest';
import { auditQuery } from './audit';

describe('auditQuery', () => {
  it('leaves empty filters out', () => {
    expect(auditQuery({ action: '', resource_type: '', resource_id: '', from: '', to: '' })).toEqual({
      action: undefined,
      resource_type: undefined,
      resource_id: undefined,
      from: undefined,
      to: undefined,
    });
  });
  it('turns local days into instants, "to" up to the start of the next day', () => {
    const q = auditQuery({ action: 'auth.*', resource_type: '', resource_id: '', from: '2026-03-01', to: '2026-03-01' });
    expect(q.action).toBe('auth.*');
    expect(q.from).toBe(new Date('2026-03-01T00:00:00').toISOString());
    expect(q.to).toBe(new Date('2026-03-02T00:00:00').toISOString());
  });
  it('drops a day it cannot read', () => {
    expect(auditQuery({ action: '', resource_type: '', resource_id: '', from: 'nonsense', to: 'x' }).from).toBeUndefined();
  });
});
