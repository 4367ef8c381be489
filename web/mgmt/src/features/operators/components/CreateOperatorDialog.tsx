import { Alert, Button, CopyButton, Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, FormField, Input, Select } from '@monozu/ui';
import { useState, type FormEvent } from 'react';
import { actionMessage, fieldErrorsOf } from '../../../lib/errors';
import { validateNewOperator, type Enrollment, type NewOperator } from '../api/operators';

export interface CreateOperatorDialogProps {
  open: boolean;
  busy: boolean;
  error: unknown;
  enrollment: Enrollment | null;
  onCreate: (v: NewOperator) => void;
  onClose: () => void;
}

const empty: NewOperator = { email: '', name: '', role: 'support', password: '' };

/** Create an operator, then show its TOTP enrollment once (it cannot be read again). */
export function CreateOperatorDialog({ open, busy, error, enrollment, onCreate, onClose }: CreateOperatorDialogProps) {
  const [v, setV] = useState<NewOperator>(empty);
  const [clientErrors, setClientErrors] = useState<Partial<Record<keyof NewOperator, string>>>({});
  const server = fieldErrorsOf(error);
  const errors = { ...server, ...clientErrors };
  const close = () => {
    setV(empty);
    setClientErrors({});
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs = validateNewOperator(v);
    setClientErrors(errs);
    if (Object.keys(errs).length === 0) onCreate({ ...v, email: v.email.trim(), name: v.name.trim() });
  };
  return (
    <Dialog open={open} onOpenChange={(o) => !o && close()}>
      <DialogContent className="max-w-xl">
        {enrollment ? (
          <>
            <DialogHeader>
              <DialogTitle>Operator created</DialogTitle>
              <DialogDescription>
                Give {enrollment.operator.email} this TOTP secret through a safe channel. It is shown only now; the
                operator adds it to an authenticator app and signs in with password and code.
              </DialogDescription>
            </DialogHeader>
            <Alert variant="warning">Copy it now: this secret cannot be shown again.</Alert>
            <div className="grid gap-3">
              <div>
                <p className="text-xs font-medium uppercase tracking-wide text-muted-foreground">TOTP secret</p>
                <code className="block break-all rounded-md bg-muted p-2 font-mono text-sm">{enrollment.totp_secret}</code>
                <CopyButton value={enrollment.totp_secret} label="Copy secret" />
              </div>
              <div>
                <p className="text-xs font-medium uppercase tracking-wide text-muted-foreground">otpauth URI</p>
                <code className="block break-all rounded-md bg-muted p-2 font-mono text-xs">{enrollment.otpauth_url}</code>
                <CopyButton value={enrollment.otpauth_url} label="Copy URI" />
              </div>
            </div>
            <DialogFooter>
              <Button onClick={close}>Done</Button>
            </DialogFooter>
          </>
        ) : (
          <>
            <DialogHeader>
              <DialogTitle>New operator</DialogTitle>
              <DialogDescription>Admins change everything; support operators read only.</DialogDescription>
            </DialogHeader>
            <form className="grid gap-4" onSubmit={submit} noValidate>
              {error && Object.keys(server).length === 0 ? <Alert variant="destructive">{actionMessage(error)}</Alert> : null}
              <FormField label="E-mail" error={errors.email}>
                <Input type="email" autoComplete="off" autoFocus value={v.email} onChange={(e) => setV({ ...v, email: e.target.value })} />
              </FormField>
              <FormField label="Name" error={errors.name}>
                <Input value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} />
              </FormField>
              <FormField label="Role" error={errors.role}>
                <Select value={v.role} onChange={(e) => setV({ ...v, role: e.target.value as NewOperator['role'] })}>
                  <option value="support">Support (read only)</option>
                  <option value="admin">Admin</option>
                </Select>
              </FormField>
              <FormField label="Initial password" hint="At least 12 characters" error={errors.password}>
                <Input type="password" autoComplete="new-password" value={v.password} onChange={(e) => setV({ ...v, password: e.target.value })} />
              </FormField>
              <DialogFooter>
                <Button variant="outline" onClick={close}>
                  Cancel
                </Button>
                <Button type="submit" loading={busy}>
                  Create operator
                </Button>
              </DialogFooter>
            </form>
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}
