import { parseFields } from '@monozu/api';
import { Alert, Button, Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, FormField } from '@monozu/ui';
import { useState, type FormEvent } from 'react';
import * as z from 'zod/mini';
import { actionMessage, fieldErrorsOf } from '../../../lib/errors';
import type { Tenant } from '../../../lib/types';

const REASON = 'Give a reason of 1 to 1000 characters.';
const rejectionSchema = z.object({ reason: z.string().check(z.trim(), z.minLength(1, REASON), z.maxLength(1000, REASON)) });

export interface RejectDialogProps {
  tenant: Tenant | null;
  busy: boolean;
  error: unknown;
  onReject: (reason: string) => void;
  onClose: () => void;
}

/** Rejecting deletes the organisation in the Cloud too; a reason (kept in the audit log) is required. */
export function RejectDialog({ tenant, busy, error, onReject, onClose }: RejectDialogProps) {
  const [reason, setReason] = useState('');
  const [clientError, setClientError] = useState<string | undefined>();
  const fe = fieldErrorsOf(error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = parseFields(rejectionSchema, { reason });
    setClientError(r.ok ? undefined : r.errors.reason);
    if (r.ok) onReject(r.data.reason);
  };
  return (
    <Dialog
      open={tenant !== null}
      onOpenChange={(o) => {
        if (!o) {
          setReason('');
          setClientError(undefined);
          onClose();
        }
      }}
    >
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Reject {tenant?.organization_name}?</DialogTitle>
          <DialogDescription>
            The registration is refused and the organisation is deleted in the Cloud. This cannot be undone.
          </DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={submit} noValidate>
          {error && !fe.reason ? <Alert variant="destructive">{actionMessage(error)}</Alert> : null}
          <FormField label="Reason" hint="Kept in the audit log" error={clientError ?? fe.reason}>
            <textarea
              className="min-h-20 w-full rounded-md border border-input bg-background px-3 py-2 text-sm shadow-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring aria-[invalid=true]:border-destructive"
              maxLength={1000}
              required
              autoFocus
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </FormField>
          <DialogFooter>
            <Button variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant="destructive" loading={busy}>
              Reject registration
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
