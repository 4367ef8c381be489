import { errorMessage, tenantKey } from '@monozu/api';
import { Alert, Badge, Button, ConfirmDialog, DataTable, PageHeader, TableCell, TableRow } from '@monozu/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { formatDateTime } from '../../../lib/cmdb';
import { groupOptionsQuery } from '../../../lib/identity';
import { invitationsQuery, resendInvitation, revokeInvitation, type Invitation } from '../api/users';

/** Settings → Invitations: pending invitations; send again with a fresh link, or revoke. */
export function InvitationsPage() {
  const t = useTenantId();
  const can = useCan();
  const qc = useQueryClient();
  const list = useQuery(invitationsQuery(t));
  const groups = useQuery(groupOptionsQuery(t));
  const groupName = (id: string) => groups.data?.find((g) => g.id === id)?.name ?? '…';
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: tenantKey(t, 'users') });
  const resend = useMutation({ mutationFn: (i: Invitation) => resendInvitation(i.id), onSuccess: (_, i) => { setNotice('A new link is on its way to ' + i.email + '.'); refresh(); } });
  const revoke = useMutation({ mutationFn: (i: Invitation) => revokeInvitation(i.id), onSuccess: () => { setRevoking(null); refresh(); } });
  const rows = list.data ?? [];
  const manage = can('settings.users.manage');
  return (
    <>
      <PageHeader
        title="Invitations"
        description="People invited who have not joined yet."
        actions={
          manage && (
            <Button asChild>
              <Link to="/settings/users/invite">Invite user</Link>
            </Button>
          )
        }
      />
      {notice && <Alert variant="success" className="mb-4">{notice}</Alert>}
      {resend.isError && <Alert variant="destructive" className="mb-4">{errorMessage(resend.error)}</Alert>}
      <DataTable caption="Pending invitations" columns={['E-mail', 'Groups', 'Status', 'Sent', 'Expires', { label: 'Actions', srOnly: true }]} query={list} empty={rows.length === 0} emptyMessage="No pending invitations.">
        {rows.map((i) => (
          <TableRow key={i.id}>
            <TableCell className="font-medium">{i.email}</TableCell>
            <TableCell>{i.group_ids.length ? i.group_ids.map(groupName).join(', ') : 'Read only'}</TableCell>
            <TableCell>
              <Badge variant={i.status === 'pending' ? 'secondary' : 'outline'}>{i.status}</Badge>
            </TableCell>
            <TableCell>{formatDateTime(i.created_at)}</TableCell>
            <TableCell>{formatDateTime(i.expires_at)}</TableCell>
            <TableCell className="whitespace-nowrap text-right">
              {manage && (
                <>
                  <Button size="sm" variant="ghost" loading={resend.isPending && resend.variables.id === i.id} onClick={() => { setNotice(null); resend.mutate(i); }} aria-label={'Send the invitation to ' + i.email + ' again'}>
                    Resend
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => { revoke.reset(); setRevoking(i); }} aria-label={'Revoke the invitation to ' + i.email}>
                    Revoke
                  </Button>
                </>
              )}
            </TableCell>
          </TableRow>
        ))}
      </DataTable>
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(o) => !o && setRevoking(null)}
        title={'Revoke the invitation to ' + (revoking?.email ?? '') + '?'}
        description="The link in the e-mail stops working."
        error={revoke.error && errorMessage(revoke.error)}
        confirmLabel="Revoke"
        destructive
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate(revoking)}
      />
    </>
  );
}
