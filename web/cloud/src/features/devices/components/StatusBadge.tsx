import { Badge } from '@monozu/ui';
import type { DeviceStatus } from '../api/devices';

const LOOK: Record<DeviceStatus, { label: string; variant: 'success' | 'destructive' | 'outline' | 'secondary' }> = {
  online: { label: 'Online', variant: 'success' },
  offline: { label: 'Offline', variant: 'destructive' },
  never_seen: { label: 'Never seen', variant: 'outline' },
  deregistered: { label: 'Deregistered', variant: 'secondary' },
};

export function StatusBadge({ status }: { status: DeviceStatus }) {
  const l = LOOK[status];
  return <Badge variant={l.variant}>{l.label}</Badge>;
}
