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
  /** Heading for a 404 (the record does not exist), e.g. "This tenant does not exist."; Retry is left out then. */
  notFound?: string;
  /** Extra content after the message, e.g. a link back to the list. */
  children?: ReactNode;
  className?: string;
}

/**
 * The problem fields of an error, read by shape so that ui needs no API package: @monozu/api's ApiError carries
 * the problem's `status`, `title` and `detail`.
 */
type ProblemShape = Error & Partial<Record<'status' | 'title' | 'detail', unknown>>;

interface Described {
  heading: string;
  detail: string;
  /** False for a record that does not exist: asking again will not bring it. */
  retry: boolean;
}

/** Heading and text of an error: the problem's title and detail, else `fallback` and the error's message. */
function describeError(error: unknown, fallback: string, notFound: string | undefined): Described {
  if (!(error instanceof Error)) return { heading: fallback, detail: 'Something went wrong.', retry: true };
  const p: ProblemShape = error;
  if (notFound !== undefined && p.status === 404) return { heading: notFound, detail: '', retry: false };
  const heading = (typeof p.title === 'string' && p.title) || fallback;
  const detail = typeof p.detail === 'string' ? p.detail : error.message;
  return { heading, detail: detail !== heading ? detail : '', retry: true };
}

/** The error state of a list or detail query: the problem's title and detail, and a Retry button. */
export function QueryError({ error, onRetry, title = 'The data could not be loaded', notFound, children, className }: QueryErrorProps) {
  const { heading, detail, retry } = describeError(error, title, notFound);
  return (
    <Alert variant="destructive" title={heading} className={className}>
      {detail && <p>{detail}</p>}
      {(retry || children) && (
        <div className="mt-2 flex items-center gap-3">
          {retry && (
            <Button variant="outline" size="sm" onClick={() => void onRetry()}>
              Retry
            </Button>
          )}
          {children}
        </div>
      )}
    </Alert>
  );
}
