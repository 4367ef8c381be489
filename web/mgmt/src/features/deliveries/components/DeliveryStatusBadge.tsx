import { Badge } from '@monozu/ui';
import type { DeliveryStatus } from '../api/deliveries';

const v = { pending: 'warning', delivered: 'success', failed: 'destructive' } as const;

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return <Badge variant={v[status]}>{status}</Badge>;
}
