import { describe, expect, it } from 'vitest';
import type { Delivery } from './deliveries';
import { countByStatus, filterDeliveries, parseDeliveryFilters, payloadSummary } from './filter';

const d = (id: string, status: Delivery['status'], tenant = 'aaaa-1111'): Delivery => ({
  id,
  event_id: 'evt-' + id,
  tenant_id: tenant,
  payload: { status: 'active', plan: 'standard' },
  status,
  attempts: 1,
  last_error: '',
  created_at: '2026-01-01T00:00:00Z',
  give_up_at: '2026-01-02T00:00:00Z',
  delivered_at: null,
});

const items = [d('1', 'delivered'), d('2', 'failed', 'bbbb-2222'), d('3', 'pending'), d('4', 'failed')];

describe('delivery filters', () => {
  it('reads known statuses from the URL and ignores others', () => {
    expect(parseDeliveryFilters(new URLSearchParams('status=failed&q=%20bb%20'))).toEqual({ status: 'failed', q: 'bb' });
    expect(parseDeliveryFilters(new URLSearchParams('status=bogus'))).toEqual({});
  });

  it('filters by status and by tenant or event id', () => {
    expect(filterDeliveries(items, {}).map((x) => x.id)).toEqual(['1', '2', '3', '4']);
    expect(filterDeliveries(items, { status: 'failed' }).map((x) => x.id)).toEqual(['2', '4']);
    expect(filterDeliveries(items, { status: 'failed', q: 'BBBB' }).map((x) => x.id)).toEqual(['2']);
    expect(filterDeliveries(items, { q: 'evt-3' }).map((x) => x.id)).toEqual(['3']);
  });

  it('counts statuses and summarises payloads', () => {
    expect(countByStatus(items)).toEqual({ pending: 1, delivered: 1, failed: 2 });
    expect(payloadSummary({ status: 'suspended', plan: '' })).toBe('suspended');
    expect(payloadSummary(null)).toBe('—');
  });
});
