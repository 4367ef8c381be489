import { Badge } from '@monozu/ui';
import type { TenantStatus } from '../lib/types';

const variant: Record<TenantStatus, 'success' | 'warning' | 'destructive' | 'secondary'> = {
  active: 'success',
  pending: 'warning',
  suspended: 'destructive',
  deleted: 'secondary',
};

export function TenantStatusBadge({ status }: { status: TenantStatus }) {
  return <Badge variant={variant[status]}>{status}</Badge>;
}
