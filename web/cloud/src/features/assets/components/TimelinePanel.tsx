import { Badge, Button, QueryError, Spinner } from '@monozu/ui';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTenantId } from '../../../hooks/useMe';
import { formatDateTime } from '../../../lib/cmdb';
import { assetTimelineQuery } from '../api/assets';

function show(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  if (Array.isArray(v)) return v.join(', ') || '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The asset's edits and discovery observations, newest first, with "Load more". */
export function TimelinePanel({ assetId }: { assetId: string }) {
  const tenantId = useTenantId();
  const q = useInfiniteQuery(assetTimelineQuery(tenantId, assetId));
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  if (q.isPending) return <Spinner label="Loading timeline…" />;
  if (q.isError && items.length === 0) return <QueryError error={q.error} onRetry={q.refetch} title="The timeline could not be loaded" />;
  if (items.length === 0) return <p className="text-sm text-muted-foreground">Nothing happened to this asset yet.</p>;
  return (
    <div className="grid gap-3">
      <ol className="grid gap-3" aria-label="Timeline">
        {items.map((i) => (
          <li key={i.id} className="rounded-lg border p-3">
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <Badge variant={i.kind === 'change' ? 'secondary' : 'outline'}>{i.kind === 'change' ? 'Change' : 'Observed'}</Badge>
              <span className="font-medium">{i.summary}</span>
              <time className="ml-auto text-xs text-muted-foreground" dateTime={i.at}>
                {formatDateTime(i.at)}
              </time>
            </div>
            {i.actor?.label && <p className="mt-1 text-xs text-muted-foreground">by {i.actor.label}</p>}
            {i.changes && Object.keys(i.changes).length > 0 && (
              <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-xs">
                {Object.entries(i.changes).map(([k, c]) => (
                  <div key={k} className="contents">
                    <dt className="font-mono text-muted-foreground">{k}</dt>
                    <dd className="break-all">
                      {'before' in c ? show(c.before) + ' → ' : ''}
                      {show(c.after)}
                    </dd>
                  </div>
                ))}
              </dl>
            )}
          </li>
        ))}
      </ol>
      <div aria-live="polite">
        {q.hasNextPage && (
          <Button variant="outline" loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
            Load older entries
          </Button>
        )}
        {q.isFetchNextPageError && <span className="ml-2 text-sm text-destructive">Older entries could not be loaded.</span>}
      </div>
    </div>
  );
}
