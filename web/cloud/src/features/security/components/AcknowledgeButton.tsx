import { errorMessage } from '@monozu/api';
import { Button } from '@monozu/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTenantId } from '../../../hooks/useMe';
import { alertsKey, type SecurityAlert } from '../../../lib/security';
import { acknowledgeAlert } from '../api/alerts';

export function AcknowledgeButton({ alert, size = 'sm' }: { alert: SecurityAlert; size?: 'sm' | 'default' }) {
  const t = useTenantId();
  const qc = useQueryClient();
  const ack = useMutation({ mutationFn: () => acknowledgeAlert(alert.id), onSettled: () => void qc.invalidateQueries({ queryKey: alertsKey(t) }) });
  return (
    <>
      <Button size={size} variant="outline" loading={ack.isPending} onClick={() => ack.mutate()} aria-label={'Acknowledge alert ' + alert.title}>
        Acknowledge
      </Button>
      {ack.isError && <span role="alert" className="block text-xs text-destructive">{errorMessage(ack.error)}</span>}
    </>
  );
}
