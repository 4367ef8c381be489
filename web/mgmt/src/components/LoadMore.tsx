import { errorMessage } from '@monozu/api';
import { Button } from '@monozu/ui';

export interface LoadMoreProps {
  count: number;
  hasNextPage: boolean;
  loading: boolean;
  error: unknown;
  onLoadMore: () => void;
  noun?: string;
}

/** "N shown" and a "Load more" button for keyset-paged lists. */
export function LoadMore({ count, hasNextPage, loading, error, onLoadMore, noun = 'shown' }: LoadMoreProps) {
  return (
    <div className="mt-4 flex items-center gap-4" aria-live="polite">
      {count > 0 && (
        <span className="text-sm text-muted-foreground">
          {count} {noun}
          {hasNextPage ? '' : ' (all)'}
        </span>
      )}
      {hasNextPage && (
        <Button variant="outline" loading={loading} onClick={onLoadMore}>
          Load more
        </Button>
      )}
      {error != null && <span className="text-sm text-destructive">{errorMessage(error)}</span>}
    </div>
  );
}
