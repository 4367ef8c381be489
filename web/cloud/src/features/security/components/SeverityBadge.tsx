import { Badge } from '@monozu/ui';
import type { Severity } from '../../../lib/security';

const VARIANT = { critical: 'destructive', high: 'destructive', medium: 'warning', low: 'secondary', info: 'outline' } as const;

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <Badge variant={VARIANT[severity]}>{severity}</Badge>;
}
