import { checkFields } from '@monozu/api';
import { Alert, Button, FormField, Input } from '@monozu/ui';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { forgotPassword } from '../api/auth';
import { forgotPasswordSchema } from '../components/forms';
import { PublicLayout, PublicLink } from '../components/PublicLayout';
import { signInMessage } from './messages';

/** Asks for a reset link; the answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const send = useMutation({ mutationFn: () => forgotPassword(email.trim()) });
  const { err, check } = useFieldErrors(send.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (check(checkFields(forgotPasswordSchema, { email }))) send.mutate();
  };
  return (
    <PublicLayout title="Reset your password" description="We mail you a link to choose a new password." footer={<PublicLink to="/login">Back to sign-in</PublicLink>}>
      {send.isSuccess ? (
        <Alert variant="success" title="Check your mail">
          {send.data.status}
        </Alert>
      ) : (
        <form className="grid gap-4" onSubmit={submit} noValidate>
          <FormErrorSummary error={send.error} shownFields={['email']} message={signInMessage} />
          <FormField label="E-mail" error={err('email')}>
            <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" autoFocus />
          </FormField>
          <Button type="submit" loading={send.isPending}>
            Send reset link
          </Button>
        </form>
      )}
    </PublicLayout>
  );
}
