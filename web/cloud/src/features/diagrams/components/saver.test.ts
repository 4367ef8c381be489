import { ApiError } from '@monozu/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Saver } from './saver';

/** A store that answers like PUT /content: the version must match, then it grows by one. */
function fakeStore(start: number) {
  const store = {
    version: start,
    saved: [] as { content: string; version: number }[],
    pending: null as null | (() => void),
    hold: false,
    save: (content: string, version: number): Promise<number> => {
      const answer = () => {
        if (version !== store.version) throw new ApiError({ status: 409, code: 'version_conflict', detail: 'now at ' + String(store.version) });
        store.version++;
        store.saved.push({ content, version });
        return store.version;
      };
      if (!store.hold) return Promise.resolve().then(answer);
      return new Promise((resolve, reject) => {
        store.pending = () => {
          try {
            resolve(answer());
          } catch (e) {
            reject(e as Error);
          }
        };
      });
    },
  };
  return store;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Saver', () => {
  it('saves once, the delay after the first unsaved change, the latest content with the version read', async () => {
    const store = fakeStore(3);
    const s = new Saver<string>({ version: 3, save: store.save, currentVersion: () => Promise.resolve(store.version), delayMs: 1000 });
    s.change('a');
    s.change('ab');
    expect(s.getState().status).toBe('dirty');
    await vi.advanceTimersByTimeAsync(999);
    expect(store.saved).toEqual([]);
    s.change('abc');
    await vi.advanceTimersByTimeAsync(1);
    expect(store.saved).toEqual([{ content: 'abc', version: 3 }]);
    expect(s.getState()).toMatchObject({ status: 'saved', version: 4 });
    expect(s.hasUnsaved()).toBe(false);
  });

  it('keeps saving every delay while changes keep coming', async () => {
    const store = fakeStore(1);
    const s = new Saver<string>({ version: 1, save: store.save, currentVersion: () => Promise.resolve(store.version), delayMs: 1000 });
    for (let i = 1; i <= 4; i++) {
      s.change('v' + String(i));
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(store.saved.map((x) => x.content)).toEqual(['v2', 'v4']);
  });

  it('saves changes made during a save right after it, with the new version', async () => {
    const store = fakeStore(1);
    store.hold = true;
    const s = new Saver<string>({ version: 1, save: store.save, currentVersion: () => Promise.resolve(store.version), delayMs: 0 });
    s.change('one');
    const first = s.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.getState().status).toBe('saving');
    s.change('two');
    const second = s.flush();
    store.pending?.();
    await vi.advanceTimersByTimeAsync(0);
    store.pending?.();
    await Promise.all([first, second]);
    expect(store.saved).toEqual([
      { content: 'one', version: 1 },
      { content: 'two', version: 2 },
    ]);
    expect(s.getState()).toMatchObject({ status: 'saved', version: 3 });
  });

  it('stops on a conflict, keeps the changes, and overwrites at the other version when asked', async () => {
    const store = fakeStore(5);
    const s = new Saver<string>({ version: 4, save: store.save, currentVersion: () => Promise.resolve(store.version), delayMs: 1000 });
    s.change('mine');
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.getState().status).toBe('conflict');
    expect(s.hasUnsaved()).toBe(true);
    s.change('mine, more');
    await vi.advanceTimersByTimeAsync(5000);
    expect(store.saved).toEqual([]);
    expect(s.getState().status).toBe('conflict');
    await s.overwrite();
    expect(store.saved).toEqual([{ content: 'mine, more', version: 5 }]);
    expect(s.getState()).toMatchObject({ status: 'saved', version: 6 });
  });

  it('forgets the changes on reload and starts from the version loaded', async () => {
    const store = fakeStore(8);
    const s = new Saver<string>({ version: 7, save: store.save, currentVersion: () => Promise.resolve(store.version), delayMs: 1000 });
    s.change('stale');
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.getState().status).toBe('conflict');
    s.reset(8);
    expect(s.getState()).toMatchObject({ status: 'saved', version: 8 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(store.saved).toEqual([]);
    s.change('fresh');
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.saved).toEqual([{ content: 'fresh', version: 8 }]);
  });

  it('reports other failures and saves again on the next change', async () => {
    let fail = true;
    const saved: string[] = [];
    const s = new Saver<string>({
      version: 1,
      save: (c) => {
        if (fail) return Promise.reject(new ApiError({ status: 503, code: 'unavailable' }));
        saved.push(c);
        return Promise.resolve(2);
      },
      currentVersion: () => Promise.resolve(1),
      delayMs: 1000,
    });
    s.change('x');
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.getState().status).toBe('error');
    fail = false;
    s.change('xy');
    await vi.advanceTimersByTimeAsync(1000);
    expect(saved).toEqual(['xy']);
    expect(s.getState().status).toBe('saved');
  });
});
