import { tenantKey } from '@monozu/api';
import { Alert, Button, ConfirmDialog } from '@monozu/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useScope } from '../../../hooks/useOperator';
import { actionMessage } from '../../../lib/errors';
import { tenantAction, tenantDetailQuery, type TenantAction, type TenantDetail } from '../api/tenants';
import { LicenceDialog } from './LicenceDialog';

const confirmText: Record<TenantAction, { title: string; body: (t: TenantDetail) => string; label: string; destructive: boolean }> = {
  suspend: {
    title: 'Suspend tenant?',
    body: (t) => `${t.organization_name} loses access to the Cloud until it is resumed. The change is pushed to the Cloud at once.`,
    label: 'Suspend',
    destructive: true,
  },
  resume: {
    title: 'Resume tenant?',
    body: (t) => `${t.organization_name} regains access with its current licence.`,
    label: 'Resume',
    destructive: false,
  },
  delete: {
    title: 'Delete tenant?',
    body: (t) =>
      `${t.organization_name} is deleted now and its data is purged 30 days later. Its users lose access at once. This cannot be undone from here.`,
    label: 'Delete tenant',
    destructive: true,
  },
};

/** Licence and status actions an admin may take, each behind a confirmation. */
export function TenantActions({ tenant }: { tenant: TenantDetail }) {
  const scope = useScope();
  const qc = useQueryClient();
  const [pending, setPending] = useState<TenantAction | null>(null);
  const [licenceOpen, setLicenceOpen] = useState(false);
  const run = useMutation({
    mutationFn: (a: TenantAction) => tenantAction(tenant.id, a),
    onSuccess: (detail) => {
      qc.setQueryData(tenantDetailQuery(scope, tenant.id).queryKey, detail);
      void qc.invalidateQueries({ queryKey: tenantKey(scope, 'tenants', 'list') });
      setPending(null);
    },
    onError: () => setPending(null),
  });
  const deleted = tenant.status === 'deleted';
  const c = pending ? confirmText[pending] : null;

  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap gap-2">
        {!deleted && (
          <Button onClick={() => setLicenceOpen(true)}>{tenant.license ? 'Change licence' : 'Assign licence'}</Button>
        )}
        {tenant.status === 'active' && (
          <Button variant="outline" onClick={() => setPending('suspend')}>
            Suspend
          </Button>
        )}
        {tenant.status === 'suspended' && (
          <Button variant="outline" onClick={() => setPending('resume')}>
            Resume
          </Button>
        )}
        {!deleted && (
          <Button variant="destructive" onClick={() => setPending('delete')}>
            Delete…
          </Button>
        )}
      </div>
      {run.error && (
        <Alert variant="destructive" title="The action failed">
          {actionMessage(run.error)}
        </Alert>
      )}
      {c && pending && (
        <ConfirmDialog
          open
          onOpenChange={(o) => {
            if (!o && !run.isPending) setPending(null);
          }}
          title={c.title}
          description={c.body(tenant)}
          confirmLabel={c.label}
          destructive={c.destructive}
          busy={run.isPending}
          onConfirm={() => run.mutate(pending)}
        />
      )}
      <LicenceDialog tenant={tenant} open={licenceOpen} onOpenChange={setLicenceOpen} />
    </div>
  );
}
