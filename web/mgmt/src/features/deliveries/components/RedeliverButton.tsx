import { tenantKey } from '@monozu/api';
import { Button, ConfirmDialog } from '@monozu/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useScope } from '../../../hooks/useOperator';
import { actionMessage } from '../../../lib/errors';
import { redeliver, type Delivery } from '../api/deliveries';

/** Queues a push again after confirmation (safe: the Cloud applies each event once). */
export function RedeliverButton({ delivery, size = 'sm' }: { delivery: Delivery; size?: 'sm' | 'default' }) {
  const scope = useScope();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const m = useMutation({
    mutationFn: () => redeliver(delivery.id),
    onSuccess: () => {
      setOpen(false);
      void qc.invalidateQueries({ queryKey: tenantKey(scope, 'deliveries') });
    },
  });
  return (
    <>
      <Button size={size} variant="outline" aria-label={`Redeliver push ${delivery.event_id}`} onClick={() => setOpen(true)}>
        Redeliver
      </Button>
      {m.isSuccess && !open && (
        <span role="status" className="ml-2 text-xs text-muted-foreground">
          Queued
        </span>
      )}
      <ConfirmDialog
        open={open}
        onOpenChange={(o) => {
          if (!o && !m.isPending) {
            setOpen(false);
            m.reset();
          }
        }}
        title="Redeliver this push?"
        description={
          <>
            The licence push is queued again and retried for another 24 hours. The Cloud applies each event once, so this is
            safe.
            {m.error ? <span className="mt-2 block text-destructive">{actionMessage(m.error)}</span> : null}
          </>
        }
        confirmLabel="Redeliver"
        busy={m.isPending}
        onConfirm={() => m.mutate()}
      />
    </>
  );
}
