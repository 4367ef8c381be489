import { Button, cn } from '@monozu/ui';
import { Link } from 'react-router-dom';
import { useFeedStore } from '../lib/security-feed';

const LABELS = { connecting: 'Connecting', connected: 'Live', reconnecting: 'Reconnecting', offline: 'Offline' } as const;
const DOTS = { connecting: 'bg-amber-500', connected: 'bg-green-600', reconnecting: 'bg-amber-500', offline: 'bg-red-600' } as const;

/** The security feed's connection state in the header (nothing when the feed is not running). */
export function LiveIndicator() {
  const state = useFeedStore((s) => s.state);
  if (!state) return null;
  return (
    <span role="status" className="flex items-center gap-2 text-xs text-muted-foreground" title="Live security alerts">
      <span aria-hidden className={cn('h-2 w-2 rounded-full', DOTS[state])} />
      <span>
        <span className="sr-only">Live alerts: </span>
        {LABELS[state]}
      </span>
    </span>
  );
}

/** High and critical alerts that arrived live, until dismissed. */
export function AlertToasts() {
  const toasts = useFeedStore((s) => s.toasts);
  const dismiss = useFeedStore((s) => s.dismiss);
  return (
    <div aria-live="assertive" className="fixed bottom-4 right-4 z-50 grid w-80 gap-2">
      {toasts.map(({ id, alert }) => (
        <div key={id} role="alert" className="rounded-lg border border-destructive bg-background p-3 shadow-lg">
          <p className="text-sm font-semibold">
            {alert.severity === 'critical' ? 'Critical' : 'High'} alert: {alert.title}
          </p>
          <div className="mt-2 flex gap-2">
            <Button asChild size="sm" variant="outline">
              <Link to={'/security/alerts/' + alert.id} onClick={() => dismiss(id)}>
                Open
              </Link>
            </Button>
            <Button size="sm" variant="ghost" onClick={() => dismiss(id)}>
              Dismiss
            </Button>
          </div>
        </div>
      ))}
    </div>
  );
}
