import { useEffect, useState, useSyncExternalStore } from 'react';
import { Saver, type SaverOptions } from './saver';

/** A Saver for the editor's lifetime, its state as React state, and a leave-page warning while unsaved. */
export function useSaver<C>(opts: SaverOptions<C>) {
  const [saver] = useState(() => new Saver<C>(opts));
  const state = useSyncExternalStore(saver.subscribe, saver.getState);
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (saver.hasUnsaved()) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
      // Leaving the editor inside the app: store what is pending rather than drop it.
      if (saver.hasUnsaved() && saver.getState().status !== 'conflict') void saver.flush().finally(() => saver.dispose());
      else saver.dispose();
    };
  }, [saver]);
  return { saver, state };
}
