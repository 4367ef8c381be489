import { isApiError } from '@monozu/api';
import { Alert, Button, FormField, Input } from '@monozu/ui';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router-dom';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { resetPassword } from '../api/auth';
import { PublicLayout, PublicLink } from '../components/PublicLayout';
import { checkNewPassword } from '../components/password-rules';
import { signInMessage } from './messages';

/** The reset link (/reset-password/:token): a new password; every session ends. */
export function ResetPasswordPage() {
  const { token = '' } = useParams();
  const [v, setV] = useState({ password: '', confirm: '' });
  const reset = useMutation({ mutationFn: () => resetPassword(token, v.password) });
  const { err, check } = useFieldErrors(reset.error);
  const invalid = isApiError(reset.error) && (reset.error.status === 404 || reset.error.fieldErrors.token !== undefined);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV((p) => ({ ...p, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (check(checkNewPassword(v.password, v.confirm))) reset.mutate();
  };
  return (
    <PublicLayout title="Choose a new password" description="Signing in everywhere else ends when you set it." footer={<PublicLink to="/login">Back to sign-in</PublicLink>}>
      {reset.isSuccess ? (
        <Alert variant="success" title="Password changed">
          Sign in with your new password.
        </Alert>
      ) : invalid ? (
        <Alert variant="destructive" title="This link is no longer valid">
          Reset links work once and expire. <PublicLink to="/forgot-password">Ask for a new one.</PublicLink>
        </Alert>
      ) : (
        <form className="grid gap-4" onSubmit={submit} noValidate>
          <FormErrorSummary error={reset.error} shownFields={['password', 'confirm']} message={signInMessage} />
          <FormField label="New password" hint="At least 12 characters." error={err('password')}>
            <Input type="password" value={v.password} onChange={set('password')} autoComplete="new-password" autoFocus />
          </FormField>
          <FormField label="Repeat password" error={err('confirm')}>
            <Input type="password" value={v.confirm} onChange={set('confirm')} autoComplete="new-password" />
          </FormField>
          <Button type="submit" loading={reset.isPending}>
            Set password
          </Button>
        </form>
      )}
    </PublicLayout>
  );
}
