import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CreateKeyDialog } from './CreateKeyDialog';

// The API client keeps the fetch it found at load time: this one answers the calls the dialog makes.
const server = vi.hoisted(() => {
  const state = { bodies: [] as unknown[], answer: null as null | { status: number; body: unknown } };
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const reply = (status: number, body: unknown) =>
      Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } }));
    if (url.includes('/sites')) return reply(200, { items: [{ id: 's1', name: 'Plant A' }], next_cursor: null });
    state.bodies.push(JSON.parse(String(init?.body)));
    return reply(state.answer?.status ?? 500, state.answer?.body ?? {});
  };
  return state;
});

beforeEach(() => {
  server.bodies = [];
  server.answer = null;
});
afterEach(cleanup);

const renderDialog = () =>
  render(
    <QueryClientProvider client={new QueryClient()}>
      <CreateKeyDialog onClose={() => {}} />
    </QueryClientProvider>,
  );

describe('CreateKeyDialog', () => {
  it('checks fields before sending, then shows the new key once with a copy button', async () => {
    renderDialog();
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(screen.getByLabelText('Label').getAttribute('aria-invalid')).toBe('true');
    expect(server.bodies).toEqual([]);

    server.answer = { status: 201, body: { id: 'k1', label: 'Plant A', key_prefix: 'prov_abcdefg', status: 'active', uses: 0, key: 'prov_abcdefg-secret' } };
    fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Plant A' } });
    fireEvent.change(screen.getByLabelText('Maximum uses'), { target: { value: '3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect((await screen.findByTestId('new-key')).textContent).toBe('prov_abcdefg-secret');
    expect(screen.getByText('You will not see this key again')).toBeTruthy();
    expect(screen.getByRole('button', { name: /Copy key/ })).toBeTruthy();
    expect(server.bodies).toEqual([{ label: 'Plant A', max_uses: 3 }]);
  });

  it("puts the server's field errors next to their fields", async () => {
    server.answer = { status: 422, body: { type: 'x', title: 'Unprocessable', status: 422, code: 'validation_failed', errors: [{ field: 'site_id', code: 'not_found', message: 'No such site.' }] } };
    renderDialog();
    fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Plant B' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(await screen.findByText('No such site.')).toBeTruthy();
    expect(screen.getByLabelText('Site').getAttribute('aria-invalid')).toBe('true');
  });
});
