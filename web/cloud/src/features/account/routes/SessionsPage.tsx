import { errorMessage, tenantKey } from '@monozu/api';
import { Badge, Button, ConfirmDialog, DataTable, PageHeader, TableCell, TableRow } from '@monozu/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTenantId } from '../../../hooks/useMe';
import { formatDateTime } from '../../../lib/cmdb';
import { endSession, sessionsQuery, type Session } from '../api/account';

/** Account → Sessions: where you are signed in; sign other devices out. */
export function SessionsPage() {
  const t = useTenantId();
  const qc = useQueryClient();
  const list = useQuery(sessionsQuery(t));
  const [ending, setEnding] = useState<Session | null>(null);
  const end = useMutation({
    mutationFn: (id: string) => endSession(id),
    onSuccess: () => {
      setEnding(null);
      void qc.invalidateQueries({ queryKey: tenantKey(t, 'me', 'sessions') });
    },
  });
  const rows = list.data ?? [];
  return (
    <>
      <PageHeader title="Sessions" description="The browsers and devices signed in to your account." />
      <DataTable caption="Your sessions" columns={['Device', 'IP address', 'Signed in', 'Last used', { label: 'Actions', srOnly: true }]} query={list} empty={rows.length === 0} emptyMessage="No sessions.">
        {rows.map((s) => (
          <TableRow key={s.id}>
            <TableCell className="max-w-md truncate" title={s.user_agent}>
              {s.user_agent || 'Unknown browser'} {s.current && <Badge>This browser</Badge>}
            </TableCell>
            <TableCell className="font-mono">{s.ip ?? '—'}</TableCell>
            <TableCell>{formatDateTime(s.created_at)}</TableCell>
            <TableCell>{formatDateTime(s.last_used_at)}</TableCell>
            <TableCell className="text-right">
              {!s.current && (
                <Button size="sm" variant="ghost" onClick={() => { end.reset(); setEnding(s); }} aria-label={'Sign out the session from ' + (s.ip ?? 'an unknown address')}>
                  Sign out
                </Button>
              )}
            </TableCell>
          </TableRow>
        ))}
      </DataTable>
      <ConfirmDialog
        open={ending !== null}
        onOpenChange={(o) => !o && setEnding(null)}
        title="Sign this session out?"
        description="That browser must sign in again."
        error={end.error && errorMessage(end.error)}
        confirmLabel="Sign out"
        destructive
        busy={end.isPending}
        onConfirm={() => ending && end.mutate(ending.id)}
      />
    </>
  );
}
