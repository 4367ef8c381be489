import { Badge } from '@monozu/ui';
import type { User } from '../../../lib/types';

const variant = { active: 'success', invited: 'secondary', disabled: 'outline' } as const;

export function UserStatusBadge({ status }: { status: User['status'] }) {
  return <Badge variant={variant[status]}>{status}</Badge>;
}
