import { errorMessage, tenantKey } from '@monozu/api';
import { Alert, Badge, Button, ConfirmDialog, LoadMore, PageHeader, Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableState } from '@monozu/ui';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useOperator, useScope } from '../../../hooks/useOperator';
import { actionMessage } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { createOperator, operatorsQuery, updateOperator, type NewOperator, type OperatorRow, type OperatorUpdate } from '../api/operators';
import { CreateOperatorDialog } from '../components/CreateOperatorDialog';

interface PendingChange {
  op: OperatorRow;
  patch: Omit<OperatorUpdate, 'version'>;
  title: string;
  description: string;
  label: string;
  destructive: boolean;
}

function changeFor(op: OperatorRow, kind: 'disable' | 'enable' | 'role'): PendingChange {
  const who = op.name || op.email;
  if (kind === 'disable')
    return { op, patch: { status: 'disabled' }, title: `Disable ${who}?`, description: 'The operator is signed out everywhere at once and can no longer sign in. Accounts are kept for the audit log.', label: 'Disable', destructive: true };
  if (kind === 'enable')
    return { op, patch: { status: 'active' }, title: `Enable ${who}?`, description: 'The operator can sign in again with their password and TOTP code.', label: 'Enable', destructive: false };
  const role = op.role === 'admin' ? 'support' : 'admin';
  return {
    op,
    patch: { role },
    title: role === 'admin' ? `Make ${who} an admin?` : `Make ${who} read-only support?`,
    description: role === 'admin' ? 'Admins can change tenants, licences and operators.' : 'Support operators can only read.',
    label: role === 'admin' ? 'Make admin' : 'Make support',
    destructive: role === 'support',
  };
}

export function OperatorsPage() {
  const scope = useScope();
  const me = useOperator().data;
  const admin = me?.role === 'admin';
  const qc = useQueryClient();
  const list = useInfiniteQuery(operatorsQuery(scope));
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const [createOpen, setCreateOpen] = useState(false);
  const [pending, setPending] = useState<PendingChange | null>(null);

  const create = useMutation({
    mutationFn: (v: NewOperator) => createOperator(v),
    onSuccess: () => void qc.invalidateQueries({ queryKey: tenantKey(scope, 'operators') }),
  });
  const update = useMutation({
    mutationFn: (c: PendingChange) => updateOperator(c.op.id, { ...c.patch, version: c.op.version }),
    onSuccess: () => {
      setPending(null);
      void qc.invalidateQueries({ queryKey: tenantKey(scope, 'operators') });
    },
    onError: () => {
      setPending(null);
      void qc.invalidateQueries({ queryKey: tenantKey(scope, 'operators') });
    },
  });
  const ask = (op: OperatorRow, kind: 'disable' | 'enable' | 'role') => {
    update.reset();
    setPending(changeFor(op, kind));
  };

  return (
    <>
      <PageHeader
        title="Operators"
        description="People who run the platform. Accounts are disabled, never deleted."
        actions={
          admin && (
            <Button
              onClick={() => {
                create.reset();
                setCreateOpen(true);
              }}
            >
              New operator
            </Button>
          )
        }
      />
      {update.error && (
        <Alert variant="destructive" className="mb-4" title="The change failed">
          {actionMessage(update.error)}
        </Alert>
      )}
      <Table>
        <TableCaption>Operators</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead>Name</TableHead>
            <TableHead>E-mail</TableHead>
            <TableHead>Role</TableHead>
            <TableHead>Status</TableHead>
            <TableHead>Last sign-in</TableHead>
            {admin && <TableHead className="text-right">Actions</TableHead>}
          </TableRow>
        </TableHeader>
        <TableBody>
          <TableState
            colSpan={admin ? 6 : 5}
            loading={list.isPending}
            error={list.isError && rows.length === 0 ? errorMessage(list.error) : null}
            onRetry={() => void list.refetch()}
            empty={rows.length === 0}
            emptyMessage="No operators."
          />
          {!list.isPending &&
            rows.map((op) => {
              const self = op.id === me?.id;
              return (
                <TableRow key={op.id}>
                  <TableCell className="font-medium">
                    {op.name || '—'}
                    {self && <span className="ml-2 text-xs text-muted-foreground">(you)</span>}
                  </TableCell>
                  <TableCell>{op.email}</TableCell>
                  <TableCell>
                    <Badge variant={op.role === 'admin' ? 'default' : 'secondary'}>{op.role}</Badge>
                  </TableCell>
                  <TableCell>
                    <Badge variant={op.status === 'active' ? 'success' : 'secondary'}>{op.status}</Badge>
                  </TableCell>
                  <TableCell className="whitespace-nowrap">{op.last_login_at ? formatDateTime(op.last_login_at) : 'Never'}</TableCell>
                  {admin && (
                    <TableCell className="text-right">
                      {self ? (
                        <span className="text-xs text-muted-foreground">Your own account</span>
                      ) : (
                        <div className="flex justify-end gap-2">
                          {op.status === 'active' && (
                            <Button size="sm" variant="outline" aria-label={`Change role of ${op.email}`} onClick={() => ask(op, 'role')}>
                              {op.role === 'admin' ? 'Make support' : 'Make admin'}
                            </Button>
                          )}
                          {op.status === 'active' ? (
                            <Button size="sm" variant="destructive" aria-label={`Disable ${op.email}`} onClick={() => ask(op, 'disable')}>
                              Disable
                            </Button>
                          ) : (
                            <Button size="sm" variant="outline" aria-label={`Enable ${op.email}`} onClick={() => ask(op, 'enable')}>
                              Enable
                            </Button>
                          )}
                        </div>
                      )}
                    </TableCell>
                  )}
                </TableRow>
              );
            })}
        </TableBody>
      </Table>
      <LoadMore count={rows.length} query={list} />
      {pending && (
        <ConfirmDialog
          open
          onOpenChange={(o) => !o && !update.isPending && setPending(null)}
          title={pending.title}
          description={pending.description}
          confirmLabel={pending.label}
          destructive={pending.destructive}
          busy={update.isPending}
          onConfirm={() => update.mutate(pending)}
        />
      )}
      <CreateOperatorDialog
        open={createOpen}
        busy={create.isPending}
        error={create.error}
        enrollment={create.data ?? null}
        onCreate={(v) => create.mutate(v)}
        onClose={() => {
          setCreateOpen(false);
          create.reset();
        }}
      />
    </>
  );
}
