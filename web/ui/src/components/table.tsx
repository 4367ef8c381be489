import type { HTMLAttributes, ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react';
import { cn } from '../lib/cn';
import { Spinner } from './spinner';

export function Table({ className, ...props }: HTMLAttributes<HTMLTableElement>) {
  return (
    <div className="relative w-full overflow-auto rounded-lg border">
      <table className={cn('w-full caption-bottom text-sm', className)} {...props} />
    </div>
  );
}

export function TableHeader({ className, ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <thead className={cn('bg-muted/50 [&_tr]:border-b', className)} {...props} />;
}

export function TableBody({ className, ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody className={cn('[&_tr:last-child]:border-0', className)} {...props} />;
}

export function TableRow({ className, ...props }: HTMLAttributes<HTMLTableRowElement>) {
  return <tr className={cn('border-b transition-colors hover:bg-muted/40', className)} {...props} />;
}

export function TableHead({ className, scope = 'col', ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope={scope}
      className={cn('h-10 px-3 text-left align-middle text-xs font-semibold uppercase tracking-wide text-muted-foreground', className)}
      {...props}
    />
  );
}

export function TableCell({ className, ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={cn('px-3 py-2 align-middle', className)} {...props} />;
}

export function TableCaption({ className, ...props }: HTMLAttributes<HTMLTableCaptionElement>) {
  return <caption className={cn('sr-only', className)} {...props} />;
}

export interface TableStateProps {
  /** Number of columns the state row spans. */
  colSpan: number;
  loading?: boolean;
  /** An error message; shows instead of rows. */
  error?: string | null;
  /** Retry handler shown with the error. */
  onRetry?: () => void;
  /** True when there are no rows. */
  empty?: boolean;
  emptyMessage?: ReactNode;
}

/**
 * The row shown instead of data while loading, on error or when empty; renders nothing when
 * rows should show. Place it inside TableBody.
 */
export function TableState({ colSpan, loading, error, onRetry, empty, emptyMessage = 'Nothing here yet.' }: TableStateProps) {
  let content: ReactNode = null;
  if (loading) content = <Spinner label="Loading…" className="justify-center" />;
  else if (error)
    content = (
      <div role="alert" className="flex flex-col items-center gap-2 text-destructive">
        <span>{error}</span>
        {onRetry && (
          <button type="button" onClick={onRetry} className="text-sm underline underline-offset-4 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
            Try again
          </button>
        )}
      </div>
    );
  else if (empty) content = <span className="text-muted-foreground">{emptyMessage}</span>;
  if (content === null) return null;
  return (
    <tr>
      <td colSpan={colSpan} className="px-3 py-10 text-center">
        {content}
      </td>
    </tr>
  );
}
