import { decodeClaims } from '@monozu/api';
import { describe, expect, it } from 'vitest';
import { sessionStore } from './api';

describe('operator session', () => {
  it('scopes operator tokens (no tid claim) under "mgmt"', () => {
    const enc = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, '');
    const token = enc({ alg: 'HS256' }) + '.' + enc({ sub: 'op-1', aud: 'monozu-mgmt' }) + '.x';
    expect(decodeClaims(token).sub).toBe('op-1');
    sessionStore.getState().setToken(token);
    expect(sessionStore.getState()).toMatchObject({ status: 'authenticated', tenantId: 'mgmt', userId: 'op-1' });
  });
});
