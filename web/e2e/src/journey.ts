import type { Browser } from 'playwright-core';
import type { Artifacts } from './browser.js';
import type { Env } from './env.js';

/** What the main journey leaves for the others: an active organisation and its administrator. */
export interface World {
  account: string;
  organisation: string;
  adminEmail: string;
  adminPassword: string;
  siteName: string;
}

export interface JourneyContext {
  env: Env;
  browser: Browser;
  artifacts: Artifacts;
  world: World;
  /** Runs one step, logging its name and duration. */
  step: (name: string, fn: () => Promise<void>) => Promise<void>;
}

export interface Journey {
  name: string;
  title: string;
  run: (ctx: JourneyContext) => Promise<void>;
}

/** A JSON call to the Cloud API (the harness's plumbing, e.g. the development mail outbox). */
export async function api<T>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
