import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Asset } from '../lib/cmdb';
import { sessionStore } from '../lib/api';
import { GlobalSearch } from './GlobalSearch';
import { Shell } from './Shell';

// The API client keeps the fetch it found at load time: this one answers /me and the asset search.
const server = vi.hoisted(() => {
  const state = {
    searches: [] as string[],
    permissions: ['assets.read'] as string[],
    assets: null as null | { status: number; body: unknown },
  };
  globalThis.fetch = (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://localhost');
    const reply = (status: number, body: unknown) =>
      Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } }));
    if (url.pathname === '/api/v1/me') {
      return reply(200, {
        user: { id: 'u1', email: 'ann@example.com', display_name: 'Ann' },
        tenant: { id: 't1', display_name: 'Acme' },
        permissions: state.permissions,
        features: {},
        mfa_enrollment_required: false,
        licence_expiring: false,
      });
    }
    if (url.pathname === '/api/v1/assets') {
      state.searches.push(url.search);
      return reply(state.assets?.status ?? 200, state.assets?.body ?? { items: [], next_cursor: null });
    }
    return reply(404, { type: 'x', title: 'Not Found', status: 404, code: 'not_found' });
  };
  return state;
});

const asset = (id: string, name: string, extra: Partial<Asset> = {}) =>
  ({ id, name, site_name: 'Rotterdam', ip_addresses: ['10.1.10.5'], mac_addresses: ['00:1b:1b:aa:bb:01'], ...extra }) as Asset;

/** Shows where the search box navigated to. */
function Where() {
  const loc = useLocation();
  return <p data-testid="where">{loc.pathname + loc.search}</p>;
}

const renderAt = (ui: React.ReactNode) =>
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={['/']}>
        {ui}
        <Routes>
          <Route path="*" element={<Where />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );

const box = () => screen.getByRole('combobox', { name: 'Search assets' });
const where = () => screen.getByTestId('where').textContent;

beforeEach(() => {
  server.searches = [];
  server.permissions = ['assets.read'];
  server.assets = null;
});
afterEach(cleanup);

describe('GlobalSearch', () => {
  it('lists the matching assets once typing settles and opens the one chosen with the arrow keys', async () => {
    server.assets = {
      status: 200,
      body: { items: [asset('a1', 'PLC-Pump-01'), asset('a2', 'PLC-Valve-02', { ip_addresses: [], mac_addresses: [] })], next_cursor: null },
    };
    renderAt(<GlobalSearch />);
    fireEvent.change(box(), { target: { value: 'p' } });
    fireEvent.change(box(), { target: { value: 'pl' } });
    fireEvent.change(box(), { target: { value: 'plc' } });
    expect(box().getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByRole('status').textContent).toBe('Searching…');

    await screen.findByRole('option', { name: /PLC-Pump-01/ }, { timeout: 2000 });
    const options = screen.getAllByRole('option');
    expect(server.searches).toEqual(['?q=plc&limit=8']); // one request for the settled text
    expect(options.map((o) => o.textContent)).toEqual([
      'PLC-Pump-01Rotterdam · 10.1.10.5 · 00:1b:1b:aa:bb:01',
      'PLC-Valve-02Rotterdam',
      'See all assets matching “plc”',
    ]);

    fireEvent.keyDown(box(), { key: 'ArrowDown' });
    fireEvent.keyDown(box(), { key: 'ArrowDown' });
    fireEvent.keyDown(box(), { key: 'ArrowUp' });
    expect(box().getAttribute('aria-activedescendant')).toBe(options[0]?.id);
    expect(options[0]?.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(box(), { key: 'Enter' });
    expect(where()).toBe('/assets/a1');
    expect(box().getAttribute('aria-expanded')).toBe('false');
    expect((box() as HTMLInputElement).value).toBe('');
  });

  it('opens the asset list filtered by the text from "see all", by click or by Enter without a choice', async () => {
    server.assets = { status: 200, body: { items: [asset('a1', 'PLC-Pump-01')], next_cursor: null } };
    renderAt(<GlobalSearch />);
    fireEvent.change(box(), { target: { value: '00-1B-1B' } });
    fireEvent.click(await screen.findByRole('option', { name: 'See all assets matching “00-1B-1B”' }, { timeout: 2000 }));
    expect(where()).toBe('/assets?q=00-1B-1B');

    fireEvent.change(box(), { target: { value: 'pump' } });
    fireEvent.keyDown(box(), { key: 'Enter' });
    expect(where()).toBe('/assets?q=pump');
  });

  it('opens an asset on click', async () => {
    server.assets = { status: 200, body: { items: [asset('a7', 'HMI-7')], next_cursor: null } };
    renderAt(<GlobalSearch />);
    fireEvent.change(box(), { target: { value: 'hmi' } });
    fireEvent.click(await screen.findByRole('option', { name: /HMI-7/ }, { timeout: 2000 }));
    expect(where()).toBe('/assets/a7');
  });

  it('closes on Escape, then clears on a second Escape', async () => {
    renderAt(<GlobalSearch />);
    fireEvent.change(box(), { target: { value: 'nothing' } });
    expect(await screen.findByText('No assets match “nothing”.', {}, { timeout: 2000 })).toBeTruthy();
    fireEvent.keyDown(box(), { key: 'Escape' });
    expect(box().getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect((box() as HTMLInputElement).value).toBe('nothing');
    fireEvent.keyDown(box(), { key: 'ArrowDown' });
    expect(box().getAttribute('aria-expanded')).toBe('true');
    fireEvent.keyDown(box(), { key: 'Escape' });
    fireEvent.keyDown(box(), { key: 'Escape' });
    expect((box() as HTMLInputElement).value).toBe('');
  });

  it('says so when the search fails and still offers the full list', async () => {
    server.assets = { status: 503, body: { type: 'x', title: 'Service Unavailable', status: 503, code: 'unavailable', detail: 'Try again shortly.' } };
    renderAt(<GlobalSearch />);
    fireEvent.change(box(), { target: { value: 'plc' } });
    expect((await screen.findByRole('alert', {}, { timeout: 2000 })).textContent).toContain('Search failed');
    expect(within(screen.getByRole('listbox')).getByRole('option').textContent).toBe('See all assets matching “plc”');
  });

  it('sends nothing for a single character', async () => {
    renderAt(<GlobalSearch />);
    fireEvent.change(box(), { target: { value: 'p' } });
    await new Promise((r) => setTimeout(r, 400));
    expect(server.searches).toEqual([]);
    expect(box().getAttribute('aria-expanded')).toBe('false');
  });
});

describe('the shell', () => {
  const signIn = () => {
    const enc = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, '');
    sessionStore.getState().setToken(enc({ alg: 'HS256' }) + '.' + enc({ sub: 'u1', tid: 't1', aud: 'monozu-cloud' }) + '.x');
  };

  it('shows the search box to users who may read assets', async () => {
    signIn();
    renderAt(<Shell />);
    expect(await screen.findByRole('combobox', { name: 'Search assets' })).toBeTruthy();
  });

  it('hides it from users who may not', async () => {
    server.permissions = ['devices.read'];
    signIn();
    renderAt(<Shell />);
    expect((await screen.findAllByText('Acme')).length).toBeGreaterThan(0); // /me has answered
    expect(screen.queryByRole('combobox')).toBeNull();
  });
});
