import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecordOption } from '../api/diagrams';
import { newNode, type DiagramNode, type InventoryKind } from './canvas-model';
import { NodePanel } from './NodePanel';

// The API client keeps the fetch it found at load time: this one answers the zone, VLAN and site lists.
const server = vi.hoisted(() => {
  const state = { requests: [] as string[] };
  const zones = [
    { id: 'z1', name: 'Level 1 - Field devices', purdue_level: '1', site_name: 'Rotterdam' },
    { id: 'z2', name: 'Level 2 - Control', purdue_level: '2', site_name: 'Rotterdam' },
  ];
  const vlans = [{ id: 'v1', number: 20, name: 'Control', cidr: '10.1.20.0/24', zone_name: 'Level 2 - Control', site_name: 'Rotterdam' }];
  globalThis.fetch = (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://localhost');
    state.requests.push(url.pathname + url.search);
    const body = url.pathname === '/api/v1/zones' ? zones : url.pathname === '/api/v1/vlans' ? vlans : [];
    return Promise.resolve(new Response(JSON.stringify({ items: body, next_cursor: null }), { status: 200, headers: { 'Content-Type': 'application/json' } }));
  };
  return state;
});

/** Generous: the workspace's test files run in parallel on two cores. */
const WAIT = 5000;

const links: [InventoryKind, RecordOption | null][] = [];

function renderPanel(node: DiagramNode, editable = true) {
  return render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter>
        <NodePanel node={node} siteId="s1" drawn={new Set(['zone:z2'])} editable={editable} onLabel={() => {}} onShape={() => {}} onLink={(k, r) => links.push([k, r])} onRemove={() => {}} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  server.requests = [];
  links.length = 0;
});
afterEach(cleanup);

describe('NodePanel', () => {
  it('offers the zones of the diagram’s site for a zone placed from the palette, narrowed as one types', async () => {
    renderPanel(newNode([], { kind: 'zone' }, { x: 0, y: 0 }));
    expect(screen.getByText('Not linked yet: choose the zone this node stands for.')).toBeTruthy();
    const drawnZone = await screen.findByRole('button', { name: /Level 2 - Control/ }, { timeout: WAIT });
    expect(drawnZone.textContent).toContain('Already on this diagram');
    expect(screen.getByRole('button', { name: /Level 1 - Field devices/ }).textContent).not.toContain('Already on this diagram');
    expect(server.requests).toEqual(['/api/v1/zones?site_id=s1&limit=200']);

    fireEvent.change(screen.getByRole('searchbox', { name: 'Find the zone' }), { target: { value: 'field' } });
    await vi.waitFor(() => expect(screen.queryByRole('button', { name: /Level 2 - Control/ })).toBeNull(), { timeout: WAIT });
    fireEvent.click(screen.getByRole('button', { name: /Level 1 - Field devices/ }));
    expect(links).toEqual([['zone', { id: 'z1', name: 'Level 1 - Field devices', detail: 'Purdue level 1 · Rotterdam' }]]);
  });

  it('looks in every site when asked to', async () => {
    renderPanel(newNode([], { kind: 'zone' }, { x: 0, y: 0 }));
    await screen.findByRole('button', { name: /Level 2 - Control/ }, { timeout: WAIT });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Only this diagram’s site' }));
    await vi.waitFor(() => expect(server.requests).toContain('/api/v1/zones?limit=200'), { timeout: WAIT });
  });

  it('finds a VLAN by its number on the server and names the node as "import hierarchy" does', async () => {
    renderPanel(newNode([], { kind: 'vlan' }, { x: 0, y: 0 }));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Find the VLAN' }), { target: { value: '20' } });
    await vi.waitFor(() => expect(server.requests).toContain('/api/v1/vlans?site_id=s1&number=20&limit=200'), { timeout: WAIT });
    fireEvent.click(await screen.findByRole('button', { name: /VLAN 20 · Control/ }, { timeout: WAIT }));
    expect(links[0]?.[1]?.name).toBe('VLAN 20 · Control');
  });

  it('shows a linked node’s record and lets it be unlinked', async () => {
    renderPanel({ id: 'site-1', type: 'site', position: { x: 0, y: 0 }, data: { label: 'Plant', kind: 'site', record_id: 's9' } });
    expect(screen.getByText(/Stands for a site of the inventory/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open it' }).getAttribute('href')).toBe('/sites/s9');
    expect(screen.getByRole('searchbox', { name: 'Link to another site' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Unlink' }));
    expect(links).toEqual([['site', null]]);
    await screen.findByText('No site matches.', {}, { timeout: WAIT });
  });

  it('says when the record is gone', () => {
    renderPanel({ id: 'asset-1', type: 'asset', position: { x: 0, y: 0 }, data: { label: 'PLC', kind: 'asset', record_id: 'a1', unlinked: true } }, false);
    expect(screen.getByText(/The asset this node stood for no longer exists/)).toBeTruthy();
    expect(screen.queryByRole('searchbox')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Remove from diagram' })).toBeNull();
  });

  it('edits a free shape’s shape instead of a record', () => {
    renderPanel(newNode([], { shape: 'ellipse' }, { x: 0, y: 0 }));
    expect(screen.getByRole('heading', { name: 'Free shape' })).toBeTruthy();
    expect((screen.getByRole('combobox', { name: 'Shape' }) as HTMLSelectElement).value).toBe('ellipse');
    expect(screen.queryByRole('searchbox')).toBeNull();
  });
});
