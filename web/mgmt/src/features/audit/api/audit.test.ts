import { describe, expect, it } from 'vitest';
import { filterAudit, resourceTypes, type AuditEntry } from './audit';

const e = (id: string, action: string, resource_type: string, actor_label = 'ops@x'): AuditEntry => ({
  id,
  at: '2026-01-01T00:00:00Z',
  operator_id: null,
  actor_label,
  action,
  resource_type,
  resource_id: 'r' + id,
  summary: 'Did ' + action,
  changes: {},
  ip: '10.0.0.' + id,
  user_agent: '',
  request_id: '',
});

const items = [e('1', 'tenants.suspend', 'tenant'), e('2', 'auth.login', 'operator', 'jo@x'), e('3', 'tenants.license', 'tenant')];

describe('audit filters', () => {
  it('filters by resource type and free text', () => {
    expect(filterAudit(items, { resource: 'tenant' }).map((x) => x.id)).toEqual(['1', '3']);
    expect(filterAudit(items, { q: 'JO@' }).map((x) => x.id)).toEqual(['2']);
    expect(filterAudit(items, { q: '10.0.0.3' }).map((x) => x.id)).toEqual(['3']);
  });
  it('lists resource types once, sorted', () => {
    expect(resourceTypes(items)).toEqual(['operator', 'tenant']);
  });
});
