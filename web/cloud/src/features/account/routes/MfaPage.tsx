import { checkFields, errorMessage, tenantKey } from '@monozu/api';
import { Alert, Button, Card, CardContent, CardDescription, CardHeader, CardTitle, CopyButton, FormField, Input, PageHeader, QueryError, Spinner } from '@monozu/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import * as z from 'zod/mini';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { useMe, useTenantId } from '../../../hooks/useMe';
import { confirmMfa, disableMfa, regenerateRecoveryCodes, startMfaSetup, type MfaSetup } from '../api/account';
import { QrCode } from '../components/QrCode';
import { RecoveryCodes } from '../components/RecoveryCodes';

const codeSchema = z.object({ code: z.string().check(z.trim(), z.regex(/^\d{6}$/, 'The six digits your app shows.')) });

const passwordSchema = z.object({ password: z.string().check(z.minLength(1, 'Enter your password.')) });

function useRefreshMe() {
  const t = useTenantId();
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: tenantKey(t, 'me') });
}

/** Scan (or type) the secret, confirm with a code; the recovery codes follow. */
function Enrol({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const [setup, setSetup] = useState<MfaSetup | null>(null);
  const [code, setCode] = useState('');
  const start = useMutation({ mutationFn: startMfaSetup, onSuccess: setSetup });
  const confirm = useMutation({ mutationFn: () => confirmMfa(code.trim()), onSuccess: (r) => onCodes(r.recovery_codes) });
  const { err, check } = useFieldErrors(confirm.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (check(checkFields(codeSchema, { code }))) confirm.mutate();
  };
  if (!setup)
    return (
      <div className="grid gap-3">
        {start.isError && <Alert variant="destructive">{errorMessage(start.error)}</Alert>}
        <p className="text-sm">Use an authenticator app (for example on your phone) to sign in with a code besides your password.</p>
        <div>
          <Button onClick={() => start.mutate()} loading={start.isPending}>
            Set up two-factor sign-in
          </Button>
        </div>
      </div>
    );
  return (
    <div className="grid gap-4 md:grid-cols-[auto_1fr]">
      <QrCode value={setup.otpauth_url} label="QR code to add Monozu to your authenticator app" />
      <div className="grid content-start gap-3">
        <p className="text-sm">1. Scan the code with your authenticator app, or enter this key:</p>
        <div className="flex flex-wrap items-center gap-2">
          <code className="break-all rounded bg-muted px-2 py-1 font-mono text-sm">{setup.secret}</code>
          <CopyButton value={setup.secret} label="Copy key" />
        </div>
        <form className="grid max-w-xs gap-3" onSubmit={submit} noValidate>
          <FormErrorSummary error={confirm.error} shownFields={['code']} />
          <FormField label="2. Enter the code your app shows" error={err('code')}>
            <Input value={code} onChange={(e) => setCode(e.target.value)} inputMode="numeric" autoComplete="one-time-code" maxLength={6} className="font-mono" autoFocus />
          </FormField>
          <Button type="submit" loading={confirm.isPending}>
            Confirm
          </Button>
        </form>
      </div>
    </div>
  );
}

/** A password-confirmed action of an enrolled user: new recovery codes or switching MFA off. */
function PasswordAction({ label, description, destructive, run, onDone }: { label: string; description: string; destructive?: boolean; run: (password: string) => Promise<unknown>; onDone: (r: unknown) => void }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const action = useMutation({ mutationFn: () => run(password), onSuccess: (r) => { setPassword(''); setOpen(false); onDone(r); } });
  const { err, check } = useFieldErrors(action.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (check(checkFields(passwordSchema, { password }))) action.mutate();
  };
  if (!open)
    return (
      <Button variant={destructive ? 'destructive' : 'outline'} onClick={() => { action.reset(); setOpen(true); }}>
        {label}
      </Button>
    );
  return (
    <form className="grid max-w-sm gap-3 rounded-lg border p-4" onSubmit={submit} noValidate aria-label={label}>
      <p className="text-sm">{description}</p>
      <FormErrorSummary error={action.error} shownFields={['password']} />
      <FormField label="Your password" error={err('password')}>
        <Input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" autoFocus />
      </FormField>
      <div className="flex gap-2">
        <Button type="button" variant="outline" onClick={() => setOpen(false)}>
          Cancel
        </Button>
        <Button type="submit" variant={destructive ? 'destructive' : 'default'} loading={action.isPending}>
          {label}
        </Button>
      </div>
    </form>
  );
}

/** Account → Two-factor sign-in: enrol with a QR code, recovery codes once, new codes, switch off. */
export function MfaPage() {
  const me = useMe();
  const refreshMe = useRefreshMe();
  const [codes, setCodes] = useState<string[] | null>(null);
  const enabled = me.data?.user.mfa_enabled === true;
  const required = me.data?.tenant.mfa_policy === 'required';
  return (
    <>
      <PageHeader title="Two-factor sign-in" description="A code from an authenticator app, asked for after your password." />
      <Card className="max-w-3xl">
        <CardHeader>
          <CardTitle>{enabled ? 'Two-factor sign-in is on' : 'Two-factor sign-in is off'}</CardTitle>
          <CardDescription>{required ? 'Your organisation requires it for every user.' : 'Your organisation lets you choose.'}</CardDescription>
        </CardHeader>
        <CardContent>
          {me.isPending ? (
            <Spinner label="Loading…" />
          ) : me.isError ? (
            <QueryError error={me.error} onRetry={me.refetch} />
          ) : codes ? (
            <RecoveryCodes codes={codes} onDone={() => { setCodes(null); refreshMe(); }} />
          ) : !enabled ? (
            <Enrol
              onCodes={(c) => {
                // MFA is on from here: the title says so while the codes are shown.
                setCodes(c);
                refreshMe();
              }}
            />
          ) : (
            <div className="flex flex-wrap items-start gap-3">
              <PasswordAction
                label="New recovery codes"
                description="The old recovery codes stop working."
                run={regenerateRecoveryCodes}
                onDone={(r) => setCodes((r as { recovery_codes: string[] }).recovery_codes)}
              />
              {!required && (
                <PasswordAction label="Switch off" description="Signing in will need only your password." destructive run={disableMfa} onDone={refreshMe} />
              )}
            </div>
          )}
        </CardContent>
      </Card>
    </>
  );
}
