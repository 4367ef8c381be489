import { ApiError } from '@monozu/api';
import { Alert, Button, FormField, Input } from '@monozu/ui';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { acceptSignIn, verifyMfa } from '../api/auth';
import { signInMessage } from './messages';

export function MfaForm({ sessionToken, onRestart }: { sessionToken: string; onRestart: () => void }) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const mutation = useMutation({
    mutationFn: () =>
      verifyMfa(sessionToken, useRecovery ? { recovery_code: code.trim() } : { totp_code: code.replace(/\s/g, '') }),
    onSuccess: acceptSignIn,
  });
  const err = mutation.error;
  const fieldErrors = err instanceof ApiError ? err.fieldErrors : {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };

  return (
    <form className="grid gap-4" onSubmit={submit} noValidate>
      {mutation.isError && (
        <Alert variant="destructive">
          {signInMessage(err)} The sign-in attempt lasts 5 minutes; after that, start again.
        </Alert>
      )}
      {useRecovery ? (
        <FormField label="Recovery code" error={fieldErrors.recovery_code} hint="Each recovery code works once.">
          <Input autoComplete="off" autoFocus required value={code} onChange={(e) => setCode(e.target.value)} />
        </FormField>
      ) : (
        <FormField label="Authentication code" error={fieldErrors.totp_code}>
          <Input
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]*"
            maxLength={8}
            autoFocus
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </FormField>
      )}
      <Button type="submit" loading={mutation.isPending} disabled={!code.trim()}>
        Verify
      </Button>
      <div className="flex flex-wrap justify-between gap-2">
        <Button
          variant="link"
          size="sm"
          className="px-0"
          onClick={() => {
            setUseRecovery((v) => !v);
            setCode('');
            mutation.reset();
          }}
        >
          {useRecovery ? 'Use an authentication code' : 'Use a recovery code'}
        </Button>
        <Button variant="link" size="sm" className="px-0" onClick={onRestart}>
          Start again
        </Button>
      </div>
    </form>
  );
}
