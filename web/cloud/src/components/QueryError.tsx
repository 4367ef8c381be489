import { isApiError } from '@monozu/api';
import { Alert, Button } from '@monozu/ui';
import type { ReactNode } from 'react';

export interface QueryErrorProps {
  /** The failed query's error: a problem+json ApiError gives its title and detail. */
  error: unknown;
  /** Runs the query again (pass the query's `refetch`). */
  onRetry: () => unknown;
  /** Heading when the error has no problem title of its own. */
  title?: string;
  /** Extra content after the message, e.g. a link back to the list. */
  children?: ReactNode;
  className?: string;
}

/** The error state of a list or detail query: the problem's title and detail, and a Retry button. */
export function QueryError({ error, onRetry, title = 'The data could not be loaded', children, className }: QueryErrorProps) {
  const heading = isApiError(error) && error.title ? error.title : title;
  const detail = isApiError(error) ? (error.detail !== heading ? error.detail : '') : error instanceof Error ? error.message : 'Something went wrong.';
  return (
    <Alert variant="destructive" title={heading} className={className}>
      {detail && <p>{detail}</p>}
      <div className="mt-2 flex items-center gap-3">
        <Button variant="outline" size="sm" onClick={() => void onRetry()}>
          Retry
        </Button>
        {children}
      </div>
    </Alert>
  );
}
