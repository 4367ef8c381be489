import { type Page } from '@monozu/api';
import { QueryClient, QueryClientProvider, type InfiniteData } from '@tanstack/react-query';
import { act, cleanup, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alertListKey, type SecurityAlert } from '../lib/security';
import { useSecurityFeed } from '../lib/security-feed';
import { AlertToasts, LiveIndicator } from './LiveIndicator';

// The API client keeps the fetch it found at load time, so the ticket endpoint is answered from the start.
const ticketServer = vi.hoisted(() => {
  const state = { issued: 0 };
  globalThis.fetch = () => Promise.resolve(new Response(JSON.stringify({ ticket: 'ticket-' + String(++state.issued) }), { status: 200, headers: { 'Content-Type': 'application/json' } }));
  return state;
});

/** Stands in for the browser's WebSocket; the test drives open, message and close. */
class TestSocket {
  static all: TestSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    TestSocket.all.push(this);
  }
  close() {}
}

const alert: SecurityAlert = {
  id: 'a1', device_id: 'd1', event_id: null, site_id: null, asset_id: null, title: 'Modbus write from unknown host', severity: 'critical',
  category: 'ot', source_ip: '10.0.0.9', destination_ip: '10.0.0.2', source_port: 40000, destination_port: 502, protocol: 'tcp', description: '',
  signature_id: '', status: 'new', observed_at: '2026-12-01T10:00:00Z', created_at: '2026-12-01T10:00:00Z', acknowledged_at: null,
  acknowledged_by: null, updated_at: '2026-12-01T10:00:00Z', version: 1,
};

function Feed({ children }: { children: ReactNode }) {
  useSecurityFeed('t1', true);
  return <>{children}</>;
}

beforeEach(() => {
  TestSocket.all = [];
  ticketServer.issued = 0;
  vi.stubGlobal('WebSocket', TestSocket);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the security feed in the shell', () => {
  it('shows the connection state, puts a live alert into the inbox cache and toasts it', async () => {
    const qc = new QueryClient();
    const empty: InfiniteData<Page<SecurityAlert>> = { pages: [{ items: [], next_cursor: null }], pageParams: [null] };
    qc.setQueryData(alertListKey('t1', {}), empty);
    render(
      <QueryClientProvider client={qc}>
        <MemoryRouter>
          <Feed>
            <LiveIndicator />
            <AlertToasts />
          </Feed>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    expect(screen.getByRole('status').textContent).toContain('Connecting');
    await vi.waitFor(() => expect(TestSocket.all).toHaveLength(1));
    expect(TestSocket.all[0]?.url).toBe('ws://' + window.location.host + '/api/ws/security?ticket=ticket-1');
    act(() => TestSocket.all[0]?.onopen?.());
    expect(screen.getByRole('status').textContent).toContain('Live');

    act(() => TestSocket.all[0]?.onmessage?.({ data: JSON.stringify({ type: 'alert', data: alert }) }));
    const cached = qc.getQueryData<InfiniteData<Page<SecurityAlert>>>(alertListKey('t1', {}));
    expect(cached?.pages[0]?.items.map((a) => a.id)).toEqual(['a1']);
    expect(screen.getByRole('alert').textContent).toContain('Critical alert: Modbus write from unknown host');

    expect(qc.getQueryState(alertListKey('t1', {}))?.isInvalidated).toBe(false);
    act(() => TestSocket.all[0]?.onclose?.({ code: 4001 }));
    expect(screen.getByRole('status').textContent).toContain('Reconnecting');
    await vi.waitFor(() => expect(TestSocket.all).toHaveLength(2), { timeout: 3000 });
    expect(TestSocket.all[1]?.url).toContain('ticket=ticket-2');
    act(() => TestSocket.all[1]?.onopen?.());
    expect(screen.getByRole('status').textContent).toContain('Live');
    // Alerts raised while the feed was down are not replayed, so the lists are reloaded.
    expect(qc.getQueryState(alertListKey('t1', {}))?.isInvalidated).toBe(true);
  });
});
