import { describe, expect, it } from 'vitest';
import { ApiClient } from './client';
import { ApiError, errorFromResponse } from './errors';
import { createSessionStore } from './session-store';
import { json } from './test-helpers';

const problem = {
  type: 'about:blank',
  title: 'Validation failed',
  status: 422,
  code: 'validation_failed',
  detail: 'Some fields are not valid.',
  request_id: 'req-1',
  errors: [
    { field: 'name', code: 'required', message: 'Name is required.' },
    { field: 'ip_addresses[0]', code: 'invalid', message: 'Not an IP address.' },
    { field: 'name', code: 'too_long', message: 'second message is ignored' },
  ],
};

describe('problem+json', () => {
  it('maps field errors to field → message', async () => {
    const err = await errorFromResponse(json(422, problem, 'application/problem+json'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, code: 'validation_failed', detail: 'Some fields are not valid.', requestId: 'req-1' });
    expect(err.fieldErrors).toEqual({ name: 'Name is required.', 'ip_addresses[0]': 'Not an IP address.' });
  });

  it('reads Retry-After and falls back for bodies that are not JSON', async () => {
    const err = await errorFromResponse(
      new Response('busy', { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '30' } }),
    );
    expect(err).toMatchObject({ status: 429, code: 'http_429', retryAfter: 30 });
    expect(err.fieldErrors).toEqual({});
  });

  it('is thrown by the client with the field errors', async () => {
    const client = new ApiClient({
      baseUrl: '',
      store: createSessionStore(),
      fetch: (async () => json(422, problem, 'application/problem+json')) as unknown as typeof fetch,
    });
    await expect(client.post('/assets', { name: '' })).rejects.toMatchObject({
      code: 'validation_failed',
      fieldErrors: { name: 'Name is required.' },
    });
  });
});
