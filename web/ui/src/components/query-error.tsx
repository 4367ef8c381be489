import type { ReactNode } from 'react';
import { Alert } from './alert';
import { Button } from './button';

export interface QueryErrorProps {
  /** The failed query's error: a problem (title, detail) gives its title and detail, any other Error its message. */
  error: unknown;
  /** Runs the query again (pass the query's `refetch`). */
  onRetry: () => unknown;
  /** Heading when the error has no problem title of its own. */
  title?: string;
  /** Extra content after the message, e.g. a link back to the list. */
  children?: ReactNode;
  className?: string;
}

/**
 * A string field of a problem error. Read by shape, so ui needs no API package: @monozu/api's ApiError carries
 * the problem's `title` and `detail`.
 */
function problemField(e: Error, name: 'title' | 'detail'): string | undefined {
  const v: unknown = (e as Error & Record<typeof name, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

/** Heading and text of an error: the problem's title and detail, else `fallback` and the error's message. */
function describeError(error: unknown, fallback: string): { heading: string; detail: string } {
  if (!(error instanceof Error)) return { heading: fallback, detail: 'Something went wrong.' };
  const heading = problemField(error, 'title') || fallback;
  const detail = problemField(error, 'detail') ?? error.message;
  return { heading, detail: detail !== heading ? detail : '' };
}

/** The error state of a list or detail query: the problem's title and detail, and a Retry button. */
export function QueryError({ error, onRetry, title = 'The data could not be loaded', children, className }: QueryErrorProps) {
  const { heading, detail } = describeError(error, title);
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
