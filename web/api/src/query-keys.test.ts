import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { bindCacheToSession, tenantKey } from './query-keys';
import { createSessionStore } from './session-store';
import { fakeToken } from './test-helpers';

describe('tenant-keyed cache', () => {
  it('starts keys with the tenant id', () => {
    expect(tenantKey('t1', 'assets', { q: 'x' })).toEqual(['t1', 'assets', { q: 'x' }]);
    expect(tenantKey(null, 'me')).toEqual(['anonymous', 'me']);
  });

  it('clears the cache when the tenant or user changes, not on a token refresh', () => {
    const store = createSessionStore();
    const qc = new QueryClient();
    store.getState().setToken(fakeToken({ sub: 'u1', tid: 'A' }));
    const stop = bindCacheToSession(store, qc);

    qc.setQueryData(tenantKey('A', 'assets'), [1, 2, 3]);
    store.getState().setToken(fakeToken({ sub: 'u1', tid: 'A', jti: 'rotated' }));
    expect(qc.getQueryData(tenantKey('A', 'assets'))).toEqual([1, 2, 3]);

    store.getState().setToken(fakeToken({ sub: 'u9', tid: 'B' }));
    expect(qc.getQueryData(tenantKey('A', 'assets'))).toBeUndefined();
    expect(qc.getQueryCache().getAll()).toHaveLength(0);

    qc.setQueryData(tenantKey('B', 'assets'), [4]);
    store.getState().signOut();
    expect(qc.getQueryCache().getAll()).toHaveLength(0);
    stop();
  });
});
