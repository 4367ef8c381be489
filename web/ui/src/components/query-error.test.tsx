// @monozu/api is a devDependency for this test only: the component reads errors by shape, and ApiError is the shape.
import { ApiError } from '@monozu/api';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueryError } from './query-error';

describe('QueryError', () => {
  afterEach(cleanup);

  it('shows the problem title and detail and retries', () => {
    const retry = vi.fn();
    render(<QueryError error={new ApiError({ status: 503, code: 'unavailable', title: 'Service unavailable', detail: 'The database is busy.' })} onRetry={retry} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Service unavailable');
    expect(alert.textContent).toContain('The database is busy.');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(retry).toHaveBeenCalledTimes(1);
  });

  it('falls back to the given title and the error message', () => {
    render(<QueryError error={new Error('Network down')} onRetry={() => undefined} title="The asset could not be loaded" />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The asset could not be loaded');
    expect(alert.textContent).toContain('Network down');
  });

  it('says something went wrong for an error that is not an Error', () => {
    render(<QueryError error="boom" onRetry={() => undefined} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The data could not be loaded');
    expect(alert.textContent).toContain('Something went wrong.');
  });

  it('does not repeat a detail equal to the title', () => {
    render(<QueryError error={new ApiError({ status: 404, code: 'not_found', title: 'Not found' })} onRetry={() => undefined} />);
    expect(screen.getAllByText('Not found')).toHaveLength(1);
  });

  it('says a missing record does not exist, without Retry, when told how', () => {
    const gone = new ApiError({ status: 404, code: 'not_found', title: 'Not Found', detail: 'tenant not found' });
    render(
      <QueryError error={gone} onRetry={() => undefined} notFound="This tenant does not exist.">
        <a href="/">Back to tenants</a>
      </QueryError>,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('This tenant does not exist.');
    expect(alert.textContent).not.toContain('tenant not found');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Back to tenants' })).toBeTruthy();
  });

  it('offers Retry for other errors and for a 404 when no notFound text is given', () => {
    render(<QueryError error={new ApiError({ status: 503, code: 'unavailable', title: 'Service unavailable' })} onRetry={() => undefined} notFound="This tenant does not exist." />);
    expect(screen.getByRole('alert').textContent).toContain('Service unavailable');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
    cleanup();
    render(<QueryError error={new ApiError({ status: 404, code: 'not_found', title: 'Not Found', detail: 'asset not found' })} onRetry={() => undefined} />);
    expect(screen.getByRole('alert').textContent).toContain('asset not found');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});
