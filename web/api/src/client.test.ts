import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from './client';
import { ApiError } from './errors';
import { createSessionStore } from './session-store';
import { fakeToken, json } from './test-helpers';

const OLD = fakeToken({ sub: 'u1', tid: 't1', n: 1 });
const NEW = fakeToken({ sub: 'u1', tid: 't1', n: 2 });

function setup(refresh: () => Promise<Response>) {
  const store = createSessionStore();
  store.getState().setToken(OLD);
  const calls = { refresh: 0, api: [] as string[] };
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url.endsWith('/auth/refresh')) {
      calls.refresh++;
      expect((init?.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-1');
      return refresh();
    }
    const auth = (init?.headers as Record<string, string>).Authorization;
    calls.api.push(auth ?? '');
    return auth === 'Bearer ' + NEW ? json(200, { url }) : json(401, { status: 401, code: 'unauthorized' }, 'application/problem+json');
  });
  const client = new ApiClient({
    baseUrl: '/api/v1',
    store,
    fetch: fetchMock as unknown as typeof fetch,
    readCookie: (name) => (name === 'csrf_token' ? 'csrf-1' : undefined),
  });
  return { store, client, calls };
}

describe('ApiClient refresh', () => {
  it('shares one refresh among concurrent 401s and retries each request once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { client, calls, store } = setup(async () => {
      await gate;
      return json(200, { access_token: NEW, expires_in: 3600 });
    });
    const n = 8;
    const all = Promise.all(Array.from({ length: n }, (_, i) => client.get<{ url: string }>('/things/' + String(i))));
    await new Promise((r) => setTimeout(r, 10));
    release();
    const results = await all;
    expect(calls.refresh).toBe(1);
    expect(results.map((r) => r.url)).toEqual(Array.from({ length: n }, (_, i) => '/api/v1/things/' + String(i)));
    expect(calls.api.filter((a) => a === 'Bearer ' + NEW)).toHaveLength(n);
    expect(calls.api).toHaveLength(2 * n);
    expect(store.getState().accessToken).toBe(NEW);
  });

  it('signs out when the refresh fails and surfaces the 401', async () => {
    const { client, calls, store } = setup(async () =>
      json(401, { status: 401, code: 'invalid_refresh_token' }, 'application/problem+json'),
    );
    const results = await Promise.allSettled([client.get('/a'), client.get('/b'), client.get('/c')]);
    expect(calls.refresh).toBe(1);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const err = (r as PromiseRejectedResult).reason as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(401);
    }
    expect(store.getState().status).toBe('anonymous');
    expect(store.getState().accessToken).toBeNull();
  });

  it('does not refresh for unauthenticated calls such as login', async () => {
    const { client, calls } = setup(async () => json(200, { access_token: NEW }));
    await expect(client.post('/auth/login', { email: 'a', password: 'b' }, { auth: false })).rejects.toMatchObject({
      status: 401,
    });
    expect(calls.refresh).toBe(0);
  });

  it('restores a session through the refresh endpoint', async () => {
    const { client, store } = setup(async () => json(200, { access_token: NEW }));
    store.getState().signOut();
    await expect(client.restoreSession()).resolves.toBe(true);
    expect(store.getState()).toMatchObject({ status: 'authenticated', tenantId: 't1', userId: 'u1' });
  });
});
