import { Button } from '@monozu/ui';

export function LoadMore({ shown, hasNext, loading, failed, onMore }: { shown: number; hasNext: boolean; loading: boolean; failed: boolean; onMore: () => void }) {
  return (
    <div className="mt-4 flex items-center gap-4" aria-live="polite">
      {shown > 0 && (
        <span className="text-sm text-muted-foreground">
          {shown} shown{hasNext ? '' : ' (all)'}
        </span>
      )}
      {hasNext && (
        <Button variant="outline" loading={loading} onClick={onMore}>
          Load more
        </Button>
      )}
      {failed && <span className="text-sm text-destructive">More could not be loaded.</span>}
    </div>
  );
}
