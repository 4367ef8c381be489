import { errorMessage } from '@monozu/api';
import { Badge, Button, ConfirmDialog, DataTable, LoadMore, PageHeader, TableCell, TableRow } from '@monozu/ui';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTenantId } from '../../../hooks/useMe';
import { formatDateTime } from '../../../lib/cmdb';
import { pageItems } from '../../../lib/paged';
import { keysKey, keysQuery, revokeKey, type KeyStatus, type RegistrationKey } from '../api/keys';
import { CreateKeyDialog } from '../components/CreateKeyDialog';

const STATUS_VARIANT: Record<KeyStatus, 'success' | 'outline' | 'warning' | 'destructive'> = { active: 'success', expired: 'warning', exhausted: 'warning', revoked: 'outline' };

function RevokeKey({ k }: { k: RegistrationKey }) {
  const t = useTenantId();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const revoke = useMutation({
    mutationFn: () => revokeKey(k.id),
    onSuccess: () => {
      setOpen(false);
      void qc.invalidateQueries({ queryKey: keysKey(t) });
    },
  });
  return (
    <>
      <Button size="sm" variant="ghost" onClick={() => { revoke.reset(); setOpen(true); }} aria-label={'Revoke key ' + k.label}>
        Revoke
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={'Revoke key ' + k.label + '?'}
        description="It will register no more devices. Devices it registered keep working."
        error={revoke.error && errorMessage(revoke.error)}
        confirmLabel="Revoke"
        destructive
        busy={revoke.isPending}
        onConfirm={() => revoke.mutate()}
      />
    </>
  );
}

/** Settings → Edge registration keys (the route needs settings.edge_registration_keys.manage). */
export function KeysPage() {
  const t = useTenantId();
  const list = useInfiniteQuery(keysQuery(t));
  const keys = pageItems(list.data);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader title="Edge registration keys" description="Keys edge appliances register with. Each key is shown once, when it is created." actions={<Button onClick={() => setCreating(true)}>New key</Button>} />
      <DataTable caption="Registration keys" columns={['Label', 'Prefix', 'Site', 'Uses', 'Expires', 'Last used', 'Status', { label: 'Actions', srOnly: true }]} query={list} empty={keys.length === 0} emptyMessage="No registration keys yet.">
        {keys.map((k) => (
          <TableRow key={k.id}>
            <TableCell className="font-medium">{k.label}</TableCell>
            <TableCell className="font-mono text-xs">{k.key_prefix}…</TableCell>
            <TableCell>{k.site_name ?? '—'}</TableCell>
            <TableCell>
              {k.uses} / {k.max_uses ?? '∞'}
            </TableCell>
            <TableCell>{k.expires_at ? formatDateTime(k.expires_at) : 'Never'}</TableCell>
            <TableCell>{formatDateTime(k.last_used_at)}</TableCell>
            <TableCell>
              <Badge variant={STATUS_VARIANT[k.status]}>{k.status}</Badge>
            </TableCell>
            <TableCell className="text-right">{k.status !== 'revoked' && <RevokeKey k={k} />}</TableCell>
          </TableRow>
        ))}
      </DataTable>
      <LoadMore count={keys.length} query={list} />
      {creating && <CreateKeyDialog onClose={() => setCreating(false)} />}
    </>
  );
}
