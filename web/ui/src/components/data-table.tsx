import type { ReactNode } from 'react';
import { Table, TableBody, TableCaption, TableHead, TableHeader, TableRow, TableState } from './table';

/** The parts of a TanStack query a list's states need (structural: ui has no query dependency). */
export interface ListQueryState {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => Promise<unknown>;
  /** Infinite queries: a failed next page is LoadMore's to show, not the table's. */
  isFetchNextPageError?: boolean;
}

export type DataTableColumn = string | { label: string; srOnly?: boolean; className?: string };

export interface DataTableProps {
  /** Names the table for assistive technology (visually hidden). */
  caption: string;
  columns: readonly DataTableColumn[];
  /** Loading and error states come from it; without one the rows are already at hand. */
  query?: ListQueryState;
  empty: boolean;
  emptyMessage?: ReactNode;
  /** The rows. */
  children: ReactNode;
}

function message(e: unknown): string {
  return (e instanceof Error && e.message) || 'The list could not be loaded.';
}

/** A list table: caption, header row, and the loading / error (with retry) / empty row before the rows. */
export function DataTable({ caption, columns, query, empty, emptyMessage, children }: DataTableProps) {
  const failed = query?.isError === true && query.isFetchNextPageError !== true;
  return (
    <Table>
      <TableCaption>{caption}</TableCaption>
      <TableHeader>
        <TableRow>
          {columns.map((c, i) => {
            const col = typeof c === 'string' ? { label: c } : c;
            return (
              <TableHead key={col.label + String(i)} className={col.className}>
                {col.srOnly ? <span className="sr-only">{col.label}</span> : col.label}
              </TableHead>
            );
          })}
        </TableRow>
      </TableHeader>
      <TableBody>
        <TableState
          colSpan={columns.length}
          loading={query?.isPending}
          error={failed ? message(query.error) : null}
          onRetry={query ? () => void query.refetch() : undefined}
          empty={empty}
          emptyMessage={emptyMessage}
        />
        {!query?.isPending && !failed && children}
      </TableBody>
    </Table>
  );
}
