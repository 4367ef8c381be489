import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DataTable } from './data-table';
import { TableCell, TableRow } from './table';

afterEach(cleanup);

const query = (over: Partial<{ isPending: boolean; isError: boolean; error: unknown; isFetchNextPageError: boolean }> = {}) => {
  const q = { isPending: false, isError: false, error: null as unknown, refetches: 0, refetch: () => { q.refetches++; return Promise.resolve(); }, ...over };
  return q;
};

const row = (
  <TableRow>
    <TableCell>a row</TableCell>
  </TableRow>
);

describe('DataTable', () => {
  it('names the columns, hiding the labels of action columns', () => {
    render(<DataTable caption="Things" columns={['Name', { label: 'Actions', srOnly: true }]} query={query()} empty={false}>{row}</DataTable>);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Name', 'Actions']);
    expect(screen.getByText('Actions').className).toContain('sr-only');
    expect(screen.getByText('a row')).toBeTruthy();
  });

  it('shows the error with a retry instead of rows', () => {
    const q = query({ isError: true, error: new Error('Server down') });
    render(<DataTable caption="Things" columns={['Name']} query={q} empty={false}>{row}</DataTable>);
    expect(screen.getByRole('alert').textContent).toContain('Server down');
    expect(screen.queryByText('a row')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(q.refetches).toBe(1);
  });

  it('keeps the rows when only a further page failed', () => {
    render(<DataTable caption="Things" columns={['Name']} query={query({ isError: true, error: new Error('x'), isFetchNextPageError: true })} empty={false}>{row}</DataTable>);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('a row')).toBeTruthy();
  });

  it('says when there is nothing', () => {
    render(<DataTable caption="Things" columns={['Name']} empty emptyMessage="No things yet.">{null}</DataTable>);
    expect(screen.getByText('No things yet.')).toBeTruthy();
  });
});
