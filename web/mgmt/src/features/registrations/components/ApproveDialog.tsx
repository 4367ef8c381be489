import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from '@monozu/ui';
import { LicenceForm } from '../../../components/LicenceForm';
import { actionMessage, fieldErrorsOf } from '../../../lib/errors';
import { serverLicenceErrors } from '../../../lib/licence';
import type { LicenseInput, Tenant } from '../../../lib/types';

export interface ApproveDialogProps {
  tenant: Tenant | null;
  busy: boolean;
  error: unknown;
  onApprove: (input: LicenseInput) => void;
  onClose: () => void;
}

/** Approving a registration assigns its first licence. */
export function ApproveDialog({ tenant, busy, error, onApprove, onClose }: ApproveDialogProps) {
  const fe = fieldErrorsOf(error);
  const hasFe = Object.keys(fe).length > 0;
  return (
    <Dialog open={tenant !== null} onOpenChange={(o) => !o && onClose()}>
      <DialogContent className="max-h-[90vh] max-w-2xl overflow-y-auto">
        <DialogHeader>
          <DialogTitle>Approve {tenant?.organization_name}</DialogTitle>
          <DialogDescription>Choose the first licence. The organisation becomes active and can sign in.</DialogDescription>
        </DialogHeader>
        {tenant && (
          <LicenceForm
            current={null}
            serverErrors={serverLicenceErrors(fe)}
            formError={error && !hasFe ? actionMessage(error) : null}
            busy={busy}
            submitLabel="Approve"
            onSubmit={onApprove}
            onCancel={onClose}
          />
        )}
      </DialogContent>
    </Dialog>
  );
}
