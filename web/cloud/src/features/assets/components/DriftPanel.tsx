import { errorMessage } from '@monozu/api';
import { Alert, Button, ConfirmDialog, Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableState } from '@monozu/ui';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { acceptDrift, dismissDrift, formatDateTime, humanize, type DriftRecord } from '../../../lib/cmdb';

/** The open drift of one asset (panels.drift) with accept / dismiss. */
export function DriftPanel({ items, canEdit, onChanged }: { items: DriftRecord[]; canEdit: boolean; onChanged: () => void }) {
  const [pending, setPending] = useState<{ rec: DriftRecord; action: 'accept' | 'dismiss' } | null>(null);
  const act = useMutation({
    mutationFn: (p: { rec: DriftRecord; action: 'accept' | 'dismiss' }) => (p.action === 'accept' ? acceptDrift(p.rec.id) : dismissDrift(p.rec.id)),
    onSuccess: () => {
      setPending(null);
      onChanged();
    },
  });
  return (
    <div className="grid gap-3">
      <Table>
        <TableCaption>Open drift</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead>Field</TableHead>
            <TableHead>Recorded</TableHead>
            <TableHead>Observed</TableHead>
            <TableHead>Last observed</TableHead>
            {canEdit && <TableHead>
              <span className="sr-only">Actions</span>
            </TableHead>}
          </TableRow>
        </TableHeader>
        <TableBody>
          <TableState colSpan={canEdit ? 5 : 4} empty={items.length === 0} emptyMessage="No open drift: what discovery sees matches the record." />
          {items.map((d) => (
            <TableRow key={d.id}>
              <TableCell>{humanize(d.field)}</TableCell>
              <TableCell className="font-mono text-xs">{d.intended || '—'}</TableCell>
              <TableCell className="font-mono text-xs">{d.observed || '—'}</TableCell>
              <TableCell>{formatDateTime(d.last_observed_at)}</TableCell>
              {canEdit && (
                <TableCell className="flex justify-end gap-2">
                  <Button size="sm" variant="outline" onClick={() => setPending({ rec: d, action: 'accept' })}>
                    Accept observed
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setPending({ rec: d, action: 'dismiss' })}>
                    Dismiss
                  </Button>
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {act.isError && <Alert variant="destructive">{errorMessage(act.error)}</Alert>}
      <ConfirmDialog
        open={pending !== null}
        onOpenChange={(o) => !o && setPending(null)}
        title={pending?.action === 'accept' ? 'Accept the observed value?' : 'Dismiss this drift?'}
        description={
          pending
            ? pending.action === 'accept'
              ? `${humanize(pending.rec.field)} of ${pending.rec.asset_name} becomes "${pending.rec.observed}".`
              : `The record keeps "${pending.rec.intended}"; this observed value stays dismissed.`
            : ''
        }
        confirmLabel={pending?.action === 'accept' ? 'Accept' : 'Dismiss'}
        busy={act.isPending}
        onConfirm={() => pending && act.mutate(pending)}
      />
    </div>
  );
}
