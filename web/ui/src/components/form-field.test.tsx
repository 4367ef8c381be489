import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FormField } from './form-field';
import { Input } from './input';
import { Table, TableBody, TableState } from './table';

afterEach(cleanup);

describe('FormField', () => {
  it('labels the control and links the server error', () => {
    render(
      <FormField label="E-mail" error="Not a valid address." hint="Your work address">
        <Input name="email" />
      </FormField>,
    );
    const input = screen.getByLabelText('E-mail');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const ids = (input.getAttribute('aria-describedby') ?? '').split(' ');
    expect(ids).toHaveLength(2);
    expect(document.getElementById(ids[1] ?? '')?.textContent).toBe('Not a valid address.');
  });

  it('is valid without an error', () => {
    render(
      <FormField label="Name">
        <Input />
      </FormField>,
    );
    const input = screen.getByLabelText('Name');
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    expect(input.hasAttribute('aria-describedby')).toBe(false);
  });
});

describe('TableState', () => {
  it('shows the error with a retry button, and nothing when there are rows', () => {
    const { rerender } = render(
      <Table>
        <TableBody>
          <TableState colSpan={3} error="Boom" onRetry={() => undefined} />
        </TableBody>
      </Table>,
    );
    expect(screen.getByRole('alert').textContent).toContain('Boom');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
    rerender(
      <Table>
        <TableBody>
          <TableState colSpan={3} empty={false} />
        </TableBody>
      </Table>,
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
