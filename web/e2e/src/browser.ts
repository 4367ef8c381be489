import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type Request } from 'playwright-core';

/** Flags that work in CI containers running as root with Debian's Chromium. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Generous: CI runs the binary, PostgreSQL, the agent and Chromium on two loaded cores. */
export const TIMEOUT = 30_000;
export const SLOW = 90_000;

/** Headless Chromium; Playwright gives it a fresh temporary profile (--user-data-dir). */
export function launch(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, chromiumSandbox: false, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** The HTTP requests each page has in flight, and when one last started or ended, for settled(). */
interface Traffic {
  inflight: Set<Request>;
  last: number;
}
const traffic = new WeakMap<Page, Traffic>();

/**
 * Follows a page's requests. Loading a new document (a reload, a goto) forgets what the old one had
 * in flight: Chromium does not always report those as failed, and a request counted forever would
 * keep settled() waiting.
 */
function track(page: Page): void {
  const t: Traffic = { inflight: new Set(), last: Date.now() };
  traffic.set(page, t);
  page.on('request', (r) => {
    // A new document in the page: what the old one had in flight goes with it.
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) t.inflight.clear();
    t.inflight.add(r);
    t.last = Date.now();
  });
  const done = (r: Request) => {
    t.inflight.delete(r);
    t.last = Date.now();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
}

/** A separate cookie jar per person (the Cloud and the management plane each set refresh cookies). */
export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const ctx = await browser.newContext({ baseURL, viewport: { width: 1280, height: 860 }, locale: 'en-GB' });
  ctx.on('page', track);
  ctx.setDefaultTimeout(TIMEOUT);
  ctx.setDefaultNavigationTimeout(TIMEOUT);
  return ctx;
}

/** Saves screenshots of the pages a journey passes through. */
export class Artifacts {
  private n = 0;
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }
  async shot(page: Page, name: string): Promise<void> {
    this.n++;
    await page.screenshot({ path: join(this.dir, `${String(this.n).padStart(2, '0')}-${name}.png`), fullPage: true });
  }
  path(name: string): string {
    return join(this.dir, name);
  }
}

/** Waits until the locator is visible, failing with what was awaited. */
export async function see(locator: Locator, what: string, timeout = TIMEOUT): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (e) {
    throw new Error(`not visible within ${timeout / 1000} s: ${what}\n${(e as Error).message.split('\n')[0] ?? ''}`);
  }
}

/** Asserts that nothing matching the locator is on the page (after the page has settled on something visible). */
export async function absent(locator: Locator, what: string): Promise<void> {
  const n = await locator.count();
  if (n !== 0) throw new Error(`${what}: expected none on the page, found ${n}`);
}

/** Polls cond until it is true, failing with what after timeout. */
export async function eventually(what: string, cond: () => Promise<boolean>, timeout = SLOW, everyMs = 1000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      if (await cond()) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`gave up after ${timeout / 1000} s waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Throws unless the two values are equal. */
export function equal<T>(got: T, want: T, what: string): void {
  if (got !== want) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

/** A link of the shell's main navigation (the breadcrumb repeats some names). */
export function nav(page: Page, name: string): Locator {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

/** Waits until the page has had no HTTP request in flight for half a second (the live feed's WebSocket aside). */
export async function settled(page: Page): Promise<void> {
  const t = traffic.get(page);
  if (!t) throw new Error('settled: the page was not opened in a context of newContext()');
  const deadline = Date.now() + TIMEOUT;
  while (t.inflight.size > 0 || Date.now() - t.last < 500) {
    if (Date.now() > deadline) {
      const busy = [...t.inflight].map((r) => `${r.method()} ${r.url()}`);
      throw new Error(`the page did not settle within ${TIMEOUT / 1000} s on ${page.url()}: ${busy.length ? `in flight: ${busy.join(', ')}` : 'requests kept starting'}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Drags source onto the middle of target with HTML5 drag and drop. The mouse moves in small steps:
 * Chromium starts a drag only after the pointer has moved a little with the button held, and
 * Playwright's single-step dragTo misses that on a page that has not seen a drag yet.
 */
export async function drag(page: Page, source: Locator, target: Locator): Promise<void> {
  const from = await source.boundingBox();
  const to = await target.boundingBox();
  if (!from || !to) throw new Error('drag: the source or the target is not on the page');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 12, from.y + from.height / 2 + 12, { steps: 5 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
  await page.mouse.up();
}
