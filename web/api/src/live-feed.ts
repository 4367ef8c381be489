/** The state a live feed shows in the header. */
export type LiveFeedState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** The part of the browser's WebSocket the feed uses (tests pass a stand-in). */
export interface FeedSocket {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(code?: number): void;
}

export interface LiveFeedOptions {
  /** Path of the feed, e.g. `/api/ws/security`; the ticket is added as `?ticket=`. */
  path: string;
  /** A single-use ticket (POST /api/v1/ws/ticket); asked for again before every connection. */
  getTicket: () => Promise<string>;
  onMessage: (message: unknown) => void;
  onState: (state: LiveFeedState) => void;
  /** The page's location, for the same-origin `ws:` / `wss:` URL. */
  location?: Pick<Location, 'protocol' | 'host'>;
  createSocket?: (url: string) => FeedSocket;
  /** Milliseconds before reconnect attempt n (1, 2, …). */
  backoff?: (attempt: number) => number;
  /** After this many failed attempts in a row the state reads `offline` (the feed keeps trying). */
  offlineAfter?: number;
}

/** 1 s, 2 s, 4 s … up to 30 s, with up to 20 % jitter so clients do not reconnect in step. */
export const defaultBackoff = (attempt: number) => {
  const base = Math.min(30_000, 1000 * 2 ** (attempt - 1));
  return base + Math.random() * base * 0.2;
};

/** The same-origin WebSocket URL of path with a ticket. */
export function feedUrl(location: Pick<Location, 'protocol' | 'host'>, path: string, ticket: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return scheme + '//' + location.host + path + '?ticket=' + encodeURIComponent(ticket);
}

/**
 * Keeps a WebSocket feed open: a new ticket for each connection, reconnecting with backoff after
 * any close or failed ticket. Messages are parsed JSON. Returns stop(), which closes for good.
 */
export function startLiveFeed(o: LiveFeedOptions): () => void {
  const createSocket = o.createSocket ?? ((url: string) => new WebSocket(url) as unknown as FeedSocket);
  const backoff = o.backoff ?? defaultBackoff;
  const offlineAfter = o.offlineAfter ?? 3;
  let stopped = false;
  let failures = 0;
  let socket: FeedSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const retry = () => {
    if (stopped) return;
    failures++;
    o.onState(failures >= offlineAfter ? 'offline' : 'reconnecting');
    timer = setTimeout(() => void connect(), backoff(failures));
  };

  const connect = async () => {
    timer = null;
    let ticket: string;
    try {
      ticket = await o.getTicket();
    } catch {
      retry();
      return;
    }
    if (stopped) return;
    const s = createSocket(feedUrl(o.location ?? window.location, o.path, ticket));
    socket = s;
    s.onopen = () => {
      failures = 0;
      o.onState('connected');
    };
    s.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let msg: unknown;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      o.onMessage(msg);
    };
    s.onerror = () => {};
    s.onclose = () => {
      if (socket === s) socket = null;
      retry();
    };
  };

  o.onState('connecting');
  void connect();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const s = socket;
    socket = null;
    if (s) {
      s.onclose = null;
      s.close(1000);
    }
  };
}
