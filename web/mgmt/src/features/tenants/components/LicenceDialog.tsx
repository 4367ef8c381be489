import { tenantKey } from '@monozu/api';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from '@monozu/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { LicenceForm } from '../../../components/LicenceForm';
import { useScope } from '../../../hooks/useOperator';
import { actionMessage, fieldErrorsOf, isVersionConflict } from '../../../lib/errors';
import { serverLicenceErrors } from '../../../lib/licence';
import { putLicense, tenantDetailQuery, type TenantDetail } from '../api/tenants';

export function LicenceDialog({ tenant, open, onOpenChange }: { tenant: TenantDetail; open: boolean; onOpenChange: (o: boolean) => void }) {
  const scope = useScope();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (input: Parameters<typeof putLicense>[1]) => putLicense(tenant.id, input),
    onSuccess: (detail) => {
      qc.setQueryData(tenantDetailQuery(scope, tenant.id).queryKey, detail);
      void qc.invalidateQueries({ queryKey: tenantKey(scope, 'tenants', 'list') });
      onOpenChange(false);
    },
    onError: (e) => {
      if (isVersionConflict(e)) void qc.invalidateQueries({ queryKey: tenantDetailQuery(scope, tenant.id).queryKey });
    },
  });
  const fieldErrors = fieldErrorsOf(save.error);
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        if (!o) save.reset();
        onOpenChange(o);
      }}
    >
      <DialogContent className="max-h-[90vh] max-w-2xl overflow-y-auto">
        <DialogHeader>
          <DialogTitle>{tenant.license ? 'Change licence' : 'Assign licence'}</DialogTitle>
          <DialogDescription>
            {tenant.license
              ? 'The new licence replaces the one in force and is pushed to the Cloud.'
              : 'A pending tenant becomes active once it has a licence.'}
          </DialogDescription>
        </DialogHeader>
        {open && (
          <LicenceForm
            key={tenant.license?.version ?? 0}
            current={tenant.license}
            serverErrors={serverLicenceErrors(fieldErrors)}
            formError={save.error && !hasFieldErrors ? actionMessage(save.error) : null}
            busy={save.isPending}
            submitLabel={tenant.license ? 'Save licence' : 'Assign licence'}
            onSubmit={(input) => save.mutate(input)}
            onCancel={() => onOpenChange(false)}
          />
        )}
      </DialogContent>
    </Dialog>
  );
}
