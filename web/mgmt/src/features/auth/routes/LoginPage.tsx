import { ApiError, useSession } from '@monozu/api';
import { Alert, Button, Card, CardContent, CardDescription, CardHeader, CardTitle, FormField, Input, ThemeToggle } from '@monozu/ui';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { sessionStore } from '../../../lib/api';
import { login, verifyTotp } from '../api/auth';
import { signInMessage } from './messages';

/** Operator sign-in: e-mail and password, then the mandatory TOTP code. */
export function LoginPage() {
  const status = useSession(sessionStore, (s) => s.status);
  const from = (useLocation().state as { from?: { pathname?: string } } | null)?.from?.pathname ?? '/';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [sessionToken, setSessionToken] = useState<string | null>(null);

  const passwordStep = useMutation({
    mutationFn: () => login(email.trim(), password),
    onSuccess: (res) => {
      setPassword('');
      setSessionToken(res.session_token);
    },
  });
  const totpStep = useMutation({ mutationFn: (token: string) => verifyTotp(token, code.replace(/\s/g, '')) });

  if (status === 'authenticated') return <Navigate to={from === '/login' ? '/' : from} replace />;

  const error = sessionToken ? totpStep.error : passwordStep.error;
  const fieldErrors = error instanceof ApiError ? error.fieldErrors : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (sessionToken) totpStep.mutate(sessionToken);
    else passwordStep.mutate();
  };

  return (
    <div className="flex min-h-screen items-center justify-center bg-muted/30 p-4">
      <div className="absolute right-4 top-4">
        <ThemeToggle />
      </div>
      <main className="w-full max-w-sm">
        <Card>
          <CardHeader>
            <CardTitle>
              <span className="text-xl">Monozu Management</span>
            </CardTitle>
            <CardDescription>
              {sessionToken ? 'Enter the code from your authenticator app.' : 'Operator sign-in.'}
            </CardDescription>
          </CardHeader>
          <CardContent>
            <form className="grid gap-4" onSubmit={submit} noValidate>
              {error && <Alert variant="destructive">{signInMessage(error)}</Alert>}
              {sessionToken ? (
                <FormField label="Authentication code" error={fieldErrors.totp_code}>
                  <Input
                    inputMode="numeric"
                    autoComplete="one-time-code"
                    maxLength={8}
                    autoFocus
                    required
                    value={code}
                    onChange={(e) => setCode(e.target.value)}
                  />
                </FormField>
              ) : (
                <>
                  <FormField label="E-mail" error={fieldErrors.email}>
                    <Input type="email" autoComplete="username" autoFocus required value={email} onChange={(e) => setEmail(e.target.value)} />
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
                </>
              )}
              <Button
                type="submit"
                loading={passwordStep.isPending || totpStep.isPending}
                disabled={sessionToken ? !code.trim() : !email || !password}
              >
                {sessionToken ? 'Verify' : 'Continue'}
              </Button>
              {sessionToken && (
                <Button
                  variant="link"
                  size="sm"
                  onClick={() => {
                    setSessionToken(null);
                    setCode('');
                    totpStep.reset();
                  }}
                >
                  Start again
                </Button>
              )}
            </form>
          </CardContent>
        </Card>
      </main>
    </div>
  );
}
