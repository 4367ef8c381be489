import { ApiError, errorFromResponse } from './errors';
import type { SessionStore } from './session-store';

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];
export type Query = Record<string, QueryValue>;

export interface ApiClientConfig {
  /** Prefix of every path: `/api/v1` (same origin) or a full URL when hosted separately. */
  baseUrl: string;
  /** The in-memory session store the access token lives in. */
  store: SessionStore;
  /** Refresh endpoint under baseUrl (refresh cookie + CSRF header). Default `/auth/refresh`. */
  refreshPath?: string;
  /** Logout endpoint under baseUrl. Default `/auth/logout`. */
  logoutPath?: string;
  /** Readable double-submit cookie. Default `csrf_token`. */
  csrfCookie?: string;
  /** Header echoing it. Default `X-CSRF-Token`. */
  csrfHeader?: string;
  /** Cookie mode of fetch: `same-origin` when served by the Go binary, `include` when hosted apart. */
  credentials?: RequestCredentials;
  /** Injected for tests. */
  fetch?: typeof fetch;
  /** Injected for tests. Default reads document.cookie. */
  readCookie?: (name: string) => string | undefined;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  /** Serialised as JSON unless it is FormData or a string. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Send the bearer token and refresh once on 401. Default true; false for sign-in endpoints. */
  auth?: boolean;
}

interface TokenBody {
  access_token?: string;
}

export function buildQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) params.set(k, v.join(','));
    } else {
      params.set(k, String(v));
    }
  }
  const s = params.toString();
  return s ? '?' + s : '';
}

function documentCookie(name: string): string | undefined {
  if (typeof document === 'undefined') return undefined;
  for (const part of document.cookie.split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/**
 * A typed fetch wrapper: JSON in and out, problem+json errors as ApiError, the bearer token from
 * the session store, ONE shared refresh when requests meet 401 (then each retries once), and a
 * signed-out store when the refresh fails.
 */
export class ApiClient {
  private readonly cfg: Required<Omit<ApiClientConfig, 'fetch' | 'readCookie'>> & {
    readCookie: (name: string) => string | undefined;
  };
  private readonly doFetch: typeof fetch;
  private refreshing: Promise<string | null> | null = null;

  constructor(config: ApiClientConfig) {
    this.cfg = {
      refreshPath: '/auth/refresh',
      logoutPath: '/auth/logout',
      csrfCookie: 'csrf_token',
      csrfHeader: 'X-CSRF-Token',
      credentials: 'same-origin',
      readCookie: documentCookie,
      ...config,
    };
    const f = config.fetch ?? globalThis.fetch;
    this.doFetch = (input, init) => f(input, init);
  }

  get store(): SessionStore {
    return this.cfg.store;
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>(path, { query, signal });
  }

  post<T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return this.request<T>(path, { ...opts, method: 'POST', body });
  }

  patch<T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return this.request<T>(path, { ...opts, method: 'PATCH', body });
  }

  put<T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return this.request<T>(path, { ...opts, method: 'PUT', body });
  }

  delete<T = void>(path: string, opts: Omit<RequestOptions, 'method'> = {}): Promise<T> {
    return this.request<T>(path, { ...opts, method: 'DELETE' });
  }

  async request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const auth = opts.auth ?? true;
    const used = auth ? this.cfg.store.getState().accessToken : null;
    let res = await this.send(path, opts, used);
    if (res.status === 401 && auth) {
      const current = this.cfg.store.getState().accessToken;
      // Another request may have refreshed already: use its token, else share one refresh.
      const token = current && current !== used ? current : await this.refresh();
      if (!token) throw await errorFromResponse(res);
      res = await this.send(path, opts, token);
    }
    if (!res.ok) throw await errorFromResponse(res);
    return parseBody<T>(res);
  }

  /**
   * Rotates the refresh cookie for a new access token. Concurrent callers share one request.
   * Resolves to the new token, or null after signing the store out.
   */
  refresh(): Promise<string | null> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  /** Restores a session on page load through the refresh endpoint. */
  async restoreSession(): Promise<boolean> {
    return (await this.refresh()) !== null;
  }

  /** Stores the access token of a sign-in answer (login, MFA verify, invitation accept). */
  acceptToken(accessToken: string): void {
    this.cfg.store.getState().setToken(accessToken);
  }

  /** Ends the server session (best effort) and forgets the token. */
  async logout(): Promise<void> {
    try {
      await this.doFetch(this.cfg.baseUrl + this.cfg.logoutPath, {
        method: 'POST',
        credentials: this.cfg.credentials,
        headers: this.csrfHeaders(),
      });
    } catch {
      // the local session ends anyway
    } finally {
      this.cfg.store.getState().signOut();
    }
  }

  private csrfHeaders(): Record<string, string> {
    const csrf = this.cfg.readCookie(this.cfg.csrfCookie);
    return csrf ? { [this.cfg.csrfHeader]: csrf } : {};
  }

  private async doRefresh(): Promise<string | null> {
    try {
      const res = await this.doFetch(this.cfg.baseUrl + this.cfg.refreshPath, {
        method: 'POST',
        credentials: this.cfg.credentials,
        headers: { Accept: 'application/json', ...this.csrfHeaders() },
      });
      if (res.ok) {
        const body = (await res.json()) as TokenBody;
        if (body.access_token) {
          this.cfg.store.getState().setToken(body.access_token);
          return body.access_token;
        }
      }
    } catch {
      // network failure: treated as signed out
    }
    this.cfg.store.getState().signOut();
    return null;
  }

  private send(path: string, opts: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...opts.headers };
    let body: BodyInit | undefined;
    if (opts.body !== undefined) {
      if (typeof FormData !== 'undefined' && opts.body instanceof FormData) body = opts.body;
      else if (typeof opts.body === 'string') body = opts.body;
      else {
        body = JSON.stringify(opts.body);
        headers['Content-Type'] = 'application/json';
      }
    }
    if (token) headers.Authorization = 'Bearer ' + token;
    return this.doFetch(this.cfg.baseUrl + path + buildQuery(opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body,
      signal: opts.signal,
      credentials: this.cfg.credentials,
    }).catch((e: unknown) => {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError({ status: 0, code: 'network_error', detail: 'The server cannot be reached.' });
    });
  }
}

async function parseBody<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('Content-Type') ?? '';
  if (type.includes('json')) return (await res.json()) as T;
  return (await res.text()) as unknown as T;
}
