import { ApiError } from '@monozu/api';
import { Alert, Button, FormField, Input } from '@monozu/ui';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { acceptSignIn, login } from '../api/auth';
import { signInMessage } from './messages';

export function PasswordForm({ onMfaRequired, onPending }: { onMfaRequired: (sessionToken: string) => void; onPending: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const mutation = useMutation({
    mutationFn: () => login(email.trim(), password),
    onSuccess: (res) => {
      if (res.mfa_required && res.session_token) onMfaRequired(res.session_token);
      else acceptSignIn(res);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'tenant_pending') onPending();
    },
  });
  const fieldErrors = mutation.error instanceof ApiError ? mutation.error.fieldErrors : {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };

  return (
    <form className="grid gap-4" onSubmit={submit} noValidate>
      {mutation.isError && <Alert variant="destructive">{signInMessage(mutation.error)}</Alert>}
      <FormField label="E-mail" error={fieldErrors.email}>
        <Input
          type="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </FormField>
      <FormField label="Password" error={fieldErrors.password}>
        <Input
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </FormField>
      <Button type="submit" loading={mutation.isPending} disabled={!email || !password}>
        Sign in
      </Button>
    </form>
  );
}
