import { useStore } from 'zustand';
import type { SessionState, SessionStore } from './session-store';

/** Reads a slice of the session store in React. */
export function useSession<T>(store: SessionStore, selector: (s: SessionState) => T): T {
  return useStore(store, selector);
}
