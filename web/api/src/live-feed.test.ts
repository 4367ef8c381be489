import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { feedUrl, startLiveFeed, type FeedSocket, type LiveFeedState } from './live-feed';

/** A socket the test opens, feeds and closes by hand. */
class TestSocket implements FeedSocket {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  closedWith: number | undefined;
  constructor(readonly url: string) {}
  close(code?: number) {
    this.closedWith = code;
  }
}

function setup(tickets: (() => Promise<string>)[]) {
  const sockets: TestSocket[] = [];
  const states: LiveFeedState[] = [];
  const messages: unknown[] = [];
  let n = 0;
  const stop = startLiveFeed({
    path: '/api/ws/security',
    getTicket: () => (tickets[n++] ?? (() => Promise.resolve('t' + String(n))))(),
    onMessage: (m) => messages.push(m),
    onState: (s) => states.push(s),
    location: { protocol: 'https:', host: 'cloud.example.com' },
    createSocket: (url) => {
      const s = new TestSocket(url);
      sockets.push(s);
      return s;
    },
    backoff: (attempt) => attempt * 1000,
    offlineAfter: 2,
  });
  return { sockets, states, messages, stop };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('feedUrl', () => {
  it('follows the page scheme on the same origin', () => {
    expect(feedUrl({ protocol: 'http:', host: 'localhost:8000' }, '/api/ws/security', 'a b')).toBe('ws://localhost:8000/api/ws/security?ticket=a%20b');
    expect(feedUrl({ protocol: 'https:', host: 'x.example.com' }, '/p', 't')).toBe('wss://x.example.com/p?ticket=t');
  });
});

describe('startLiveFeed', () => {
  it('connects with a ticket and passes parsed messages on, skipping malformed ones', async () => {
    const f = setup([() => Promise.resolve('first')]);
    await vi.advanceTimersByTimeAsync(0);
    expect(f.sockets.map((s) => s.url)).toEqual(['wss://cloud.example.com/api/ws/security?ticket=first']);
    f.sockets[0]?.onopen?.({});
    f.sockets[0]?.onmessage?.({ data: '{"type":"alert","data":{"id":"a1"}}' });
    f.sockets[0]?.onmessage?.({ data: 'not json' });
    expect(f.messages).toEqual([{ type: 'alert', data: { id: 'a1' } }]);
    expect(f.states).toEqual(['connecting', 'connected']);
    f.stop();
  });

  it('reconnects after a close with a new ticket, backing off, then reads connected again', async () => {
    const f = setup([() => Promise.resolve('first'), () => Promise.resolve('second')]);
    await vi.advanceTimersByTimeAsync(0);
    f.sockets[0]?.onopen?.({});
    f.sockets[0]?.onclose?.({ code: 4001 });
    expect(f.states.at(-1)).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(999);
    expect(f.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(f.sockets[1]?.url).toBe('wss://cloud.example.com/api/ws/security?ticket=second');
    f.sockets[1]?.onopen?.({});
    expect(f.states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    f.stop();
  });

  it('retries failed tickets with growing waits and reads offline after repeated failures', async () => {
    const f = setup([() => Promise.reject(new Error('down')), () => Promise.reject(new Error('down')), () => Promise.resolve('third')]);
    await vi.advanceTimersByTimeAsync(0);
    expect(f.states).toEqual(['connecting', 'reconnecting']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(f.states.at(-1)).toBe('offline');
    await vi.advanceTimersByTimeAsync(1999);
    expect(f.sockets).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(f.sockets[0]?.url).toContain('ticket=third');
    f.stop();
  });

  it('stops for good: closes the socket and never reconnects', async () => {
    const f = setup([]);
    await vi.advanceTimersByTimeAsync(0);
    const s = f.sockets[0];
    f.stop();
    expect(s?.closedWith).toBe(1000);
    s?.onclose?.({ code: 1000 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(f.sockets).toHaveLength(1);
  });
});
