import { Button } from './button';

/** The parts of a TanStack infinite query that paging needs (structural, so ui has no query dependency). */
export interface PagedQuery {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: () => Promise<unknown>;
}

export interface LoadMoreProps {
  /** Items shown so far. */
  count: number;
  query: PagedQuery;
  noun?: string;
}

/** "N shown" and a "Load more" button under a keyset-paged list; says when the next page failed. */
export function LoadMore({ count, query, noun = 'shown' }: LoadMoreProps) {
  const failed = query.isFetchNextPageError
    ? (query.error instanceof Error && query.error.message) || 'More could not be loaded.'
    : null;
  return (
    <div className="mt-4 flex items-center gap-4" aria-live="polite">
      {count > 0 && (
        <span className="text-sm text-muted-foreground">
          {count} {noun}
          {query.hasNextPage ? '' : ' (all)'}
        </span>
      )}
      {query.hasNextPage && (
        <Button variant="outline" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
          Load more
        </Button>
      )}
      {failed && <span className="text-sm text-destructive">{failed}</span>}
    </div>
  );
}
