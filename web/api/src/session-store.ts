import { createStore, type StoreApi } from 'zustand/vanilla';
import { decodeClaims } from './jwt';

/** unknown: restoring on page load; authenticated: a token in memory; anonymous: signed out. */
export type SessionStatus = 'unknown' | 'authenticated' | 'anonymous';

export interface SessionState {
  status: SessionStatus;
  /** The access token, in memory only (never localStorage). */
  accessToken: string | null;
  /** The tenant of the session (JWT `tid`), or the plane name for operators. */
  tenantId: string | null;
  /** The user or operator (JWT `sub`). */
  userId: string | null;
  /** Set after a sign-in or refresh. */
  setToken: (accessToken: string) => void;
  /** Forget the session (after logout or a failed refresh). */
  signOut: () => void;
}

export type SessionStore = StoreApi<SessionState>;

/**
 * Creates the in-memory session store of an app. `scope` names the tenant when the
 * token has no `tid` claim (the management plane's operators).
 */
export function createSessionStore(scope = 'platform'): SessionStore {
  return createStore<SessionState>()((set) => ({
    status: 'unknown',
    accessToken: null,
    tenantId: null,
    userId: null,
    setToken: (accessToken) => {
      const c = decodeClaims(accessToken);
      set({ status: 'authenticated', accessToken, tenantId: c.tid ?? scope, userId: c.sub ?? null });
    },
    signOut: () => set({ status: 'anonymous', accessToken: null, tenantId: null, userId: null }),
  }));
}

/** A key naming who the session is: changes when the tenant or user changes. */
export function sessionIdentity(s: Pick<SessionState, 'tenantId' | 'userId'>): string | null {
  return s.tenantId && s.userId ? s.tenantId + '/' + s.userId : null;
}
